namespace Fleet.Sdk.Testing;

/// <summary>Whether a Docker engine answered, where it was looked for, and why not.</summary>
/// <param name="IsAvailable">Whether the engine answered <c>GET /_ping</c> (or, with TLS, accepted a connection).</param>
/// <param name="Endpoint">Where the engine was looked for: <c>unix:///var/run/docker.sock</c>, <c>tcp://host:port</c>, ...</param>
/// <param name="Reason">Why no engine can be used (starts with "no Docker engine: "), or <see langword="null"/> when one answered.</param>
public sealed record DockerEngineStatus(bool IsAvailable, string Endpoint, string? Reason);
