namespace Fleet.Sdk.Testing;

/// <summary>
/// The images the container fixtures start, each pinned to a version (never <c>latest</c>): the
/// same servers the process fixtures run from Debian's packages, and the Toxiproxy whose API the
/// in-process fault proxy speaks.
/// </summary>
public static class ContainerImages
{
    /// <summary>Redis 7.0, as Debian 12's redis-server and redis-sentinel (started through Testcontainers.Redis).</summary>
    public const string Redis = "redis:7.0.15";

    /// <summary>nats-server 2.9.10 with JetStream, as Debian 12's nats-server (no per-key TTL: buckets expire by max age).</summary>
    public const string Nats = "nats:2.9.10";

    /// <summary>Shopify's official Toxiproxy image, the API version <see cref="FaultProxyServer"/> speaks.</summary>
    public const string Toxiproxy = "ghcr.io/shopify/toxiproxy:2.12.0";
}
