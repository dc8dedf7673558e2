using System.Globalization;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;

namespace Fleet.Sdk.Testing;

/// <summary>
/// Shopify's Toxiproxy in a container (<see cref="ContainerImages.Toxiproxy"/>), with its API and
/// a fixed number of proxy ports published (a proxy's port must be published when the container
/// starts): create proxy <c>i</c> listening on <see cref="ContainerPorts.ToxiproxyListen"/> and
/// reach it on <see cref="GetProxyAddress"/>. <see cref="Client"/> drives it like the in-process
/// fault proxy. Disposing removes the container.
/// </summary>
public sealed class ToxiproxyContainer : IAsyncDisposable
{
    private readonly IContainer _container;

    private ToxiproxyContainer(IContainer container, int proxies)
    {
        _container = container;
        Proxies = proxies;
        ApiUrl = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{container.Hostname}:{container.GetMappedPublicPort(ContainerPorts.ToxiproxyApi)}"));
        Client = new ToxiproxyClient(ApiUrl);
    }

    /// <summary>Gets the Toxiproxy API address (what <c>TOXIPROXY_URL</c> takes).</summary>
    public Uri ApiUrl { get; }

    /// <summary>Gets a client for the API.</summary>
    public ToxiproxyClient Client { get; }

    /// <summary>Gets how many proxy ports were published.</summary>
    public int Proxies { get; }

    /// <summary>Starts Toxiproxy with <paramref name="proxies"/> proxy ports and waits until its API answers.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="proxies"/> is negative or above <see cref="ContainerPorts.ToxiproxyMaxProxies"/>.</exception>
    /// <exception cref="InvalidOperationException">No Docker engine answers (<see cref="DockerEngine.Current"/> says why).</exception>
    public static async Task<ToxiproxyContainer> StartAsync(int proxies = 8, CancellationToken cancellationToken = default)
    {
        var ports = ContainerPorts.ForToxiproxy(proxies);
        ContainerGuard.ThrowIfNoEngine();
        var builder = new ContainerBuilder(ContainerImages.Toxiproxy)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPort(ContainerPorts.ToxiproxyApi).ForPath("/version")));
        foreach (var port in ports)
        {
            builder = builder.WithPortBinding(port, assignRandomHostPort: true);
        }

        var container = builder.Build();
        await ContainerGuard.StartAsync(container, cancellationToken).ConfigureAwait(false);
        return new ToxiproxyContainer(container, proxies);
    }

    /// <summary>The host:port clients reach proxy <paramref name="index"/> on, from outside the container.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Proxies"/>.</exception>
    public string GetProxyAddress(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Proxies);
        return string.Create(CultureInfo.InvariantCulture, $"{_container.Hostname}:{_container.GetMappedPublicPort(ContainerPorts.ToxiproxyFirstProxy + index)}");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _container.DisposeAsync().ConfigureAwait(false);
    }
}
