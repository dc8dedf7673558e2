namespace Fleet.Sdk.Testing;

/// <summary>
/// The ports the servers listen on inside their containers. Each is published on a random free
/// host port (never a fixed one, so parallel runs cannot collide); a fixture asks its container
/// for the mapped port.
/// </summary>
public static class ContainerPorts
{
    /// <summary>Redis clients.</summary>
    public const int Redis = 6379;

    /// <summary>NATS clients.</summary>
    public const int NatsClient = 4222;

    /// <summary>NATS cluster routes (container to container, on the fixture's network; not published).</summary>
    public const int NatsCluster = 6222;

    /// <summary>The NATS HTTP monitoring endpoint (<c>/healthz</c>, <c>/varz</c>, <c>/routez</c>, <c>/jsz</c>).</summary>
    public const int NatsMonitor = 8222;

    /// <summary>The Toxiproxy HTTP API.</summary>
    public const int ToxiproxyApi = 8474;

    /// <summary>The first port a Toxiproxy proxy listens on inside its container; proxy <c>i</c> listens on this plus <c>i</c>.</summary>
    public const int ToxiproxyFirstProxy = 8666;

    /// <summary>At most this many proxies per Toxiproxy container (each needs a published port chosen when the container starts).</summary>
    public const int ToxiproxyMaxProxies = 32;

    /// <summary>The container ports to publish for a Toxiproxy with <paramref name="proxies"/> proxies: the API, then one per proxy.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="proxies"/> is negative or above <see cref="ToxiproxyMaxProxies"/>.</exception>
    public static IReadOnlyList<int> ForToxiproxy(int proxies)
    {
        if (proxies is < 0 or > ToxiproxyMaxProxies)
        {
            throw TestingErrors.InvalidProxyCount(proxies, ToxiproxyMaxProxies);
        }

        return [ToxiproxyApi, .. Enumerable.Range(ToxiproxyFirstProxy, proxies)];
    }

    /// <summary>Where proxy <paramref name="index"/> of a Toxiproxy container listens, as its API expects it (<c>0.0.0.0:port</c>).</summary>
    public static string ToxiproxyListen(int index) =>
        index is < 0 or >= ToxiproxyMaxProxies
            ? throw TestingErrors.InvalidProxyCount(index, ToxiproxyMaxProxies - 1)
            : $"0.0.0.0:{ToxiproxyFirstProxy + index}";
}
