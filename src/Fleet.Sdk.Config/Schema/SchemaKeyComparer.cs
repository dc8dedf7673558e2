namespace Fleet.Sdk.Config;

/// <summary>Compares schema keys as the loader matches them: ignoring case, '_' and '-' (<see cref="Keys.Normalize"/>).</summary>
internal sealed class SchemaKeyComparer : IEqualityComparer<string>
{
    public static SchemaKeyComparer Instance { get; } = new();

    public bool Equals(string? x, string? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && string.Equals(Keys.Normalize(x), Keys.Normalize(y), StringComparison.Ordinal));

    public int GetHashCode(string obj) => StringComparer.Ordinal.GetHashCode(Keys.Normalize(obj));
}
