using System.Globalization;
using Testcontainers.Redis;

namespace Fleet.Sdk.Testing;

/// <summary>
/// A Redis in a container (<see cref="ContainerImages.Redis"/>, through Testcontainers.Redis), for
/// machines with a Docker engine and no redis-server; give <see cref="Address"/> to
/// <c>FLEET_TEST_REDIS</c> or to a client. Disposing removes the container.
/// </summary>
public sealed class RedisContainerServer : IAsyncDisposable
{
    private readonly Testcontainers.Redis.RedisContainer _container;

    private RedisContainerServer(Testcontainers.Redis.RedisContainer container)
    {
        _container = container;
    }

    /// <summary>Gets the host:port clients reach Redis on (a random published port).</summary>
    public string Address => string.Create(CultureInfo.InvariantCulture, $"{_container.Hostname}:{_container.GetMappedPublicPort(ContainerPorts.Redis)}");

    /// <summary>Starts a Redis container and waits until it answers.</summary>
    /// <exception cref="InvalidOperationException">No Docker engine answers (<see cref="DockerEngine.Current"/> says why).</exception>
    public static async Task<RedisContainerServer> StartAsync(CancellationToken cancellationToken = default)
    {
        ContainerGuard.ThrowIfNoEngine();
        var container = new RedisBuilder(ContainerImages.Redis).Build();
        await ContainerGuard.StartAsync(container, cancellationToken).ConfigureAwait(false);
        return new RedisContainerServer(container);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _container.DisposeAsync();
}
