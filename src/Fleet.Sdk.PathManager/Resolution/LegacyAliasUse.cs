namespace Fleet.Sdk.PathManager;

/// <summary>A location that was set through a legacy environment variable name.</summary>
internal sealed record LegacyAliasUse(string Location, string LegacyName, string CanonicalName);
