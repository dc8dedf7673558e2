namespace Fleet.Sdk.Discovery;

/// <summary>The registrar's state for the health check.</summary>
/// <param name="Registrations">How many instances this process keeps registered.</param>
/// <param name="Failing">Those whose last registration or heartbeat failed.</param>
/// <param name="Ttl">The registrations' TTL (<c>Fleet:Discovery:Ttl</c>).</param>
internal sealed record RegistrarStatus(int Registrations, IReadOnlyList<FailingRegistration> Failing, TimeSpan Ttl);
