using System.Text.Json;

namespace Fleet.Cli.Deploy;

/// <summary>Compares a new render with the one in a directory: services added, removed, or with other ports or images; files that change.</summary>
internal static class DeployDiff
{
    public static IReadOnlyList<RenderedService> ReadManifest(string manifestJson)
    {
        using var document = JsonDocument.Parse(manifestJson);
        return document.RootElement.GetProperty("services").EnumerateArray()
            .Select(s => new RenderedService(
                s.GetProperty("id").GetString()!,
                s.GetProperty("runs").GetString()!,
                s.GetProperty("ports").EnumerateArray().Select(p => p.GetInt32()).ToList()))
            .ToList();
    }

    /// <summary>Every change, one line each, in the new render's order (removals last).</summary>
    public static List<string> Compare(IReadOnlyList<RenderedService> before, IReadOnlyList<RenderedService> after)
    {
        var old = before.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var lines = new List<string>();
        foreach (var service in after)
        {
            if (!old.Remove(service.Id, out var previous))
            {
                lines.Add($"+ {service.Id}: added (ports {Ports(service.Ports)})");
                continue;
            }

            var changes = new List<string>();
            if (!previous.Ports.SequenceEqual(service.Ports))
            {
                changes.Add($"ports {Ports(previous.Ports)} -> {Ports(service.Ports)}");
            }

            if (!string.Equals(previous.Runs, service.Runs, StringComparison.Ordinal))
            {
                changes.Add($"runs {previous.Runs} -> {service.Runs}");
            }

            if (changes.Count > 0)
            {
                lines.Add($"~ {service.Id}: {string.Join("; ", changes)}");
            }
        }

        lines.AddRange(old.Values.Select(s => $"- {s.Id}: removed (ports {Ports(s.Ports)})"));
        return lines;
    }

    private static string Ports(IReadOnlyList<int> ports) => ports.Count == 0 ? "none" : string.Join(", ", ports);
}
