namespace Fleet.Sdk.PathManager;

/// <summary>The outcome of <see cref="FleetPathResolver.Resolve"/>.</summary>
internal sealed record FleetPathResolution(
    IReadOnlyList<FleetPathInfo> Locations,
    IReadOnlyList<string> Problems,
    IReadOnlyList<LegacyAliasUse> LegacyAliasUses);
