namespace Fleet.Sdk.Discovery;

/// <summary>A registration whose last attempt failed.</summary>
/// <param name="Instance">The instance, as text.</param>
/// <param name="Error">Why the last attempt failed.</param>
/// <param name="LastSuccess">When the registry last held a fresh heartbeat, if ever.</param>
/// <param name="TtlLapsed">Whether the TTL has passed since then: the registry has dropped it, and other agents no longer see it.</param>
internal sealed record FailingRegistration(string Instance, string? Error, DateTimeOffset? LastSuccess, bool TtlLapsed);
