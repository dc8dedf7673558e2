namespace Fleet.Sdk.Hosting;

/// <summary>What the host knows about one dependency, as health reports show it.</summary>
/// <param name="Name">The agent depended on.</param>
/// <param name="Required">Whether start-up fails without it.</param>
/// <param name="Timeout">How long start-up waits for it.</param>
/// <param name="Available">Whether its last probe got an answer.</param>
/// <param name="Endpoint">The endpoint last probed, if any was found.</param>
/// <param name="LastError">Why the last probe failed, while unavailable.</param>
/// <param name="LastSeen">When it last answered, if ever.</param>
public sealed record AgentDependencyStatus(
    string Name,
    bool Required,
    TimeSpan Timeout,
    bool Available,
    string? Endpoint,
    string? LastError,
    DateTimeOffset? LastSeen);
