namespace Fleet.Sdk.Config;

/// <summary>
/// Compares the keys of a schema mapping as they are read: ignoring case, and a schema key also
/// ignoring '_' and '-' (<c>health_port</c> is <c>HealthPort</c>); other keys become configuration
/// keys, which ignore case only.
/// </summary>
internal sealed class LoadedKeyComparer : IEqualityComparer<string>
{
    private static readonly HashSet<string> SchemaKeys = new(
        Keys.TopLevel.Concat(Keys.MachineKeys).Concat(Keys.GpuKeys).Concat(Keys.ResourceKeys).Concat(Keys.AgentKeys)
            .Concat(Keys.DependencyKeys).Concat(Keys.GpuNeedKeys).Concat(Keys.DeprecatedKeys).Select(Keys.Normalize),
        StringComparer.Ordinal);

    public static LoadedKeyComparer Instance { get; } = new();

    public bool Equals(string? x, string? y) =>
        x is not null && y is not null && string.Equals(Form(x), Form(y), StringComparison.Ordinal);

    public int GetHashCode(string obj) => StringComparer.Ordinal.GetHashCode(Form(obj));

    private static string Form(string key)
    {
        var normalized = Keys.Normalize(key);
        return SchemaKeys.Contains(normalized) ? normalized : key.ToUpperInvariant();
    }
}
