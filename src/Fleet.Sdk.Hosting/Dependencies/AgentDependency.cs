namespace Fleet.Sdk.Hosting;

/// <summary>A dependency as configured (options, then the topology).</summary>
internal sealed record AgentDependency(string Name, bool Required, TimeSpan Timeout, string? Endpoint);
