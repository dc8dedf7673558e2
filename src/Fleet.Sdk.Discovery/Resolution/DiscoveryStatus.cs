namespace Fleet.Sdk.Discovery;

/// <summary>The resolver's view of the registry's health.</summary>
/// <param name="Provider">The provider's name.</param>
/// <param name="Reachable">Whether the last call to the registry succeeded.</param>
/// <param name="LastSuccess">When the registry last answered, if ever.</param>
/// <param name="LastError">The last error, while unreachable.</param>
/// <param name="OldestViewAge">The age of the oldest cached view.</param>
/// <param name="CachedServices">How many services are cached.</param>
public sealed record DiscoveryStatus(string Provider, bool Reachable, DateTimeOffset? LastSuccess, string? LastError, TimeSpan OldestViewAge, int CachedServices);
