using System.Text;

namespace Fleet.Cli.Deploy;

/// <summary>Redis and Sentinel configurations: passwords from an include of a secret file, TLS files from secrets.</summary>
internal static partial class DeployPlanner
{
    /// <summary>Where compose mounts a Redis server's rendered configuration.</summary>
    private const string RedisConfigMount = "/etc/fleet/redis.conf";

    /// <summary>Where compose mounts a sentinel's rendered configuration (read-only: Sentinel runs from a copy in its volume).</summary>
    private const string SentinelConfigMount = "/etc/fleet/sentinel.conf";

    /// <summary>
    /// A redis-server configuration without a secret in it: <c>requirepass</c> and <c>masterauth</c> come from an
    /// <c>include</c> of the operator's secret file; with TLS the server listens only on its TLS port and replicates over TLS.
    /// </summary>
    private static string RedisConfiguration(DeployPlanOptions options, string id, string listenHost, int port, (string Host, int Port)? master,
        CoordinationSecurity security)
    {
        var text = RedisHeader(id, listenHost, port, security);
        text.Append("dir ").AppendLine(options.Format == "systemd" ? $"/var/lib/fleet-{id}" : "/data");
        text.AppendLine("appendonly yes");
        if (master is { } primary)
        {
            text.Append("replicaof ").Append(primary.Host).Append(' ').AppendLine(Invariant(primary.Port));
        }

        return RedisFooter(text, security);
    }

    /// <summary>
    /// A sentinel configuration: <c>requirepass</c> and <c>sentinel auth-pass</c> come from an include of the
    /// operator's secret file (<c>PASSWORDSECRET-sentinel.conf</c>), placed after <c>sentinel monitor</c>.
    /// </summary>
    private static string SentinelConfiguration(string id, string listenHost, int port, string serviceName, (string Host, int Port) master, int quorum,
        CoordinationSecurity security)
    {
        var text = RedisHeader(id, listenHost, port, security);
        text.Append("sentinel monitor ").Append(serviceName).Append(' ').Append(master.Host).Append(' ').Append(Invariant(master.Port))
            .Append(' ').AppendLine(Invariant(quorum));
        text.Append("sentinel down-after-milliseconds ").Append(serviceName).AppendLine(" 2000");
        text.Append("sentinel failover-timeout ").Append(serviceName).AppendLine(" 10000");
        return RedisFooter(text, security);
    }

    private static StringBuilder RedisHeader(string id, string listenHost, int port, CoordinationSecurity security)
    {
        var text = new StringBuilder();
        text.Append("# Rendered by `fleet deploy render` for ").Append(id).AppendLine(". Do not edit: render again.");
        text.AppendLine("# Secrets are never in this file: passwords come from an include of a secret file, TLS files from secrets.");
        text.Append("bind ").AppendLine(listenHost);
        if (security.Tls)
        {
            text.AppendLine("port 0");
            text.Append("tls-port ").AppendLine(Invariant(port));
            text.Append("tls-cert-file ").AppendLine(security.PathOf(CoordinationSecurity.Certificate));
            text.Append("tls-key-file ").AppendLine(security.PathOf(CoordinationSecurity.Key));
            text.Append("tls-ca-cert-file ").AppendLine(security.PathOf(CoordinationSecurity.CertificateAuthority));
            text.AppendLine("tls-replication yes");

            // Clients authenticate with the password; servers, replicas and sentinels present the fleet certificate.
            text.AppendLine("tls-auth-clients optional");
        }
        else
        {
            text.Append("port ").AppendLine(Invariant(port));
        }

        return text;
    }

    private static string RedisFooter(StringBuilder text, CoordinationSecurity security)
    {
        if (security.PasswordInclude is { } include)
        {
            text.Append("include ").AppendLine(security.PathOf(include));
        }

        return text.ToString();
    }

    /// <summary>Liveness without the password: a server that answers PING with PONG or NOAUTH is up.</summary>
    private static List<string> RedisProbe(int port, CoordinationSecurity security)
    {
        var tls = security.Tls
            ? $" --tls --cacert {security.PathOf(CoordinationSecurity.CertificateAuthority)} --cert {security.PathOf(CoordinationSecurity.Certificate)} --key {security.PathOf(CoordinationSecurity.Key)}"
            : string.Empty;
        return ["sh", "-c", $"redis-cli -h 127.0.0.1 -p {Invariant(port)}{tls} ping | grep -q -e PONG -e NOAUTH"];
    }
}
