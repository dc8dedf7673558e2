namespace Fleet.Sdk.Discovery;

/// <summary>A live registration of one instance.</summary>
public interface IServiceRegistration : IAsyncDisposable
{
    /// <summary>Gets the instance as last registered (with its current health).</summary>
    ServiceInstance Instance { get; }

    /// <summary>Gets a value indicating whether the last registration or heartbeat reached the registry.</summary>
    bool IsRegistered { get; }

    /// <summary>Gets why the last attempt failed, while <see cref="IsRegistered"/> is false.</summary>
    string? LastError { get; }

    /// <summary>Changes the instance's health and publishes it at once.</summary>
    /// <param name="health">The new health.</param>
    /// <param name="cancellationToken">Cancels the wait for the registry.</param>
    /// <returns>A task that completes when the registry has the new health (or the attempt failed; it is retried at the next heartbeat).</returns>
    Task SetHealthAsync(InstanceHealth health, CancellationToken cancellationToken = default);
}
