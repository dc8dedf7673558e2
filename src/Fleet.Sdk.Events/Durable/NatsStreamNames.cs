using System.Text;

namespace Fleet.Sdk.Events;

/// <summary>
/// JetStream names for Fleet.Sdk's stream, group and consumer names: JetStream stream and consumer names
/// cannot hold <c>.</c>, so names are escaped one to one (<c>_</c> becomes <c>__</c>, <c>.</c> becomes
/// <c>_d</c>): <c>a.b</c> and <c>a_b</c> stay apart.
/// </summary>
internal static class NatsStreamNames
{
    public static string Escape(string name)
    {
        var text = new StringBuilder(name.Length + 8);
        foreach (var c in name)
        {
            _ = c switch
            {
                '_' => text.Append("__"),
                '.' => text.Append("_d"),
                _ => text.Append(c),
            };
        }

        return text.ToString();
    }
}
