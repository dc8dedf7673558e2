namespace Fleet.Sdk.Discovery;

/// <summary>Registers this agent's instances and keeps them alive with heartbeats.</summary>
public interface IServiceRegistrar
{
    /// <summary>
    /// Registers an instance and heartbeats it (every third of the TTL by default) until the
    /// returned registration is disposed, which deregisters it. If the registry cannot be reached
    /// (or a crashed predecessor's registration still holds the id), the first attempt's failure is
    /// reported in <see cref="IServiceRegistration.LastError"/> and registration is retried at every
    /// heartbeat: an agent starts without waiting for the registry.
    /// </summary>
    /// <param name="instance">The instance to register.</param>
    /// <param name="cancellationToken">Cancels the first attempt.</param>
    /// <returns>The live registration.</returns>
    Task<IServiceRegistration> RegisterAsync(ServiceInstance instance, CancellationToken cancellationToken = default);
}
