using System.Text;
using Fleet.Sdk.Config;

namespace Fleet.Cli.Deploy;

/// <summary>Coordination servers secure by default: authorization from secret files, TLS, and refusals across machines.</summary>
internal static partial class DeployPlanner
{
    /// <summary>Where compose mounts a NATS server's rendered configuration.</summary>
    private const string NatsConfigMount = "/etc/fleet/nats.conf";

    /// <summary>The opt-out a user must type to render coordination servers across machines without TLS or a password.</summary>
    public const string InsecureOption = "--insecure-coordination";

    /// <summary>
    /// Refuses coordination servers on several machines whose traffic would cross the network in plain text or
    /// without authentication, unless <see cref="DeployPlanOptions.InsecureCoordination"/> says so.
    /// </summary>
    private static void CheckCoordinationSecurity(FleetTopology topology, DeployPlanOptions options, List<FleetDiagnostic> refusals)
    {
        if (options.InsecureCoordination)
        {
            return;
        }

        CheckBridgeKeys(topology, options, refusals);
        var coordination = Child(topology.Settings, "Coordination");
        var nats = Child(coordination, "Nats");
        CheckAcrossMachines(nats, "Nats", "nats-password", "the NATS servers", "clients and cluster routes",
            Endpoints(Text(Child(nats, "Servers")), 4222), Child(nats, "Servers"), refusals);
        var redis = Child(coordination, "Redis");
        CheckAcrossMachines(redis, "Redis", "redis-password", "the Redis servers and sentinels", "clients, replication and sentinels",
            [.. Endpoints(Text(Child(redis, "ConnectionString")), 6379), .. Endpoints(Text(Child(redis, "Sentinels")), 26379)],
            Child(redis, "Sentinels") ?? Child(redis, "ConnectionString"), refusals);
    }

    private static void CheckAcrossMachines(FleetValue? engine, string key, string password, string servers, string traffic,
        List<(string Host, int Port)> endpoints, FleetValue? where, List<FleetDiagnostic> refusals)
    {
        var machines = endpoints.Select(s => s.Host).Distinct(StringComparer.OrdinalIgnoreCase).Count();
        var missing = new List<string>();
        if (!IsTrue(Child(engine, "Tls")))
        {
            missing.Add("Tls: true");
        }

        if (Text(Child(engine, "PasswordSecret")) is null)
        {
            missing.Add($"PasswordSecret: {password}");
        }

        if (machines > 1 && missing.Count > 0)
        {
            refusals.Add(Refusal(where!.Location,
                $"{servers} span {machines} machines, but settings.Coordination.{key} lacks {string.Join(" and ", missing)}: {traffic} would cross the network in plain text or unauthenticated",
                $"set settings.Coordination.{key}.{string.Join(" and .", missing)} (the operator provides the secret files, see docs/deploy.md#security), or pass {InsecureOption} to render them insecurely on purpose."));
        }
    }

    /// <summary>
    /// Refuses a bridge whose peer is on another machine without its CURVE keys: <c>Certificate</c> (this bridge's
    /// secret certificate, <c>NAME.key_secret</c>) and <c>PeerKey</c> (the peer's public certificate, <c>NAME.key</c>).
    /// </summary>
    private static void CheckBridgeKeys(FleetTopology topology, DeployPlanOptions options, List<FleetDiagnostic> refusals)
    {
        foreach (var bridge in BridgeMappings(topology).Where(b => !options.InsecureCoordination))
        {
            var front = Endpoints(Text(Child(bridge, "FrontendEndpoint")), 5600);
            var peer = Endpoints(Text(Child(bridge, "PeerEndpoint")), 5601);
            if (front.Count == 1 && peer.Count == 1 && !IsHere(front[0].Host, peer[0].Host) && BridgeKeys(bridge, options).Count < 2)
            {
                refusals.Add(Refusal(bridge.Location,
                    $"the bridge {Text(Child(bridge, "Role")) ?? "Primary"} talks to its peer on {peer[0].Host} without CURVE keys: the pair would cross the network in plain text",
                    $"set Certificate: NAME (its secret certificate NAME.key_secret) and PeerKey: PEER (the peer's public certificate PEER.key), files in the secrets directory (fleet keys generate NAME --out DIR), or pass {InsecureOption}."));
            }
        }
    }

    /// <summary>A bridge's CURVE key files as secrets: its own secret certificate, then the peer's public one.</summary>
    private static List<DeploySecret> BridgeKeys(FleetMapping bridge, DeployPlanOptions options)
    {
        if (Text(Child(bridge, "Certificate")) is not { } certificate || Text(Child(bridge, "PeerKey")) is not { } peerKey)
        {
            return [];
        }

        return [new($"{certificate}.key_secret", $"{options.SecretsDirectory}/{certificate}.key_secret"), new($"{peerKey}.key", $"{options.SecretsDirectory}/{peerKey}.key")];
    }

    /// <summary>The secrets of one coordination server: <c>PASSWORDSECRET{suffix}.conf</c> (an include with the password), and the TLS files when <c>Tls</c> is true.</summary>
    private static CoordinationSecurity Security(FleetValue? engine, DeployPlanOptions options, string id, string suffix = "")
    {
        var directory = options.Format == "systemd" ? $"/run/credentials/fleet-{id}.service" : "/run/secrets";
        var secrets = new List<DeploySecret>();
        var password = Text(Child(engine, "PasswordSecret")) is { } name ? $"{name}{suffix}.conf" : null;
        if (password is not null)
        {
            secrets.Add(new DeploySecret(password, $"{options.SecretsDirectory}/{password}"));
        }

        var tls = IsTrue(Child(engine, "Tls"));
        if (tls)
        {
            secrets.AddRange(new[] { CoordinationSecurity.Certificate, CoordinationSecurity.Key, CoordinationSecurity.CertificateAuthority }
                .Select(s => new DeploySecret(s, $"{options.SecretsDirectory}/{s}")));
        }

        return new CoordinationSecurity(password, Text(Child(engine, "User")), tls, directory, secrets);
    }

    /// <summary>
    /// A nats-server configuration: no secret in it; the password comes from an <c>include</c> of a secret file
    /// (nats-server resolves includes relative to the configuration's directory), TLS files from secrets.
    /// </summary>
    private static string NatsConfiguration(DeployPlanOptions options, DeployService service, string serverName, string listenHost, int port,
        IReadOnlyList<string> routes, CoordinationSecurity security)
    {
        var configDirectory = options.Format == "systemd" ? options.InstallDirectory : Path.GetDirectoryName(NatsConfigMount)!;
        var text = new StringBuilder();
        text.Append("# Rendered by `fleet deploy render` for ").Append(service.Id).AppendLine(". Do not edit: render again.");
        text.AppendLine("# Secrets are never in this file: the password comes from an include of a secret file, TLS files from secrets.");
        text.Append("server_name: ").AppendLine(Quoted(serverName));
        text.Append("listen: ").AppendLine(Quoted($"{listenHost}:{Invariant(port)}"));
        text.Append("http: ").AppendLine(Quoted($"127.0.0.1:{Invariant(port + NatsMonitorPortOffset)}"));
        text.Append("jetstream { store_dir: ").Append(Quoted(options.Format == "systemd" ? $"/var/lib/fleet-{service.Id}" : "/data")).AppendLine(" }");
        if (security.PasswordInclude is { } include)
        {
            text.AppendLine("authorization {");
            if (security.User is { } user)
            {
                text.Append("  user: ").AppendLine(Quoted(user));
            }

            text.Append("  include ").AppendLine(Quoted(Path.GetRelativePath(configDirectory, security.PathOf(include))));
            text.AppendLine("}");
        }

        if (security.Tls)
        {
            text.AppendLine("tls {");
            AppendTls(text, security, "  ");
            text.AppendLine("}");
        }

        if (routes.Count > 0)
        {
            text.AppendLine("cluster {");
            text.AppendLine("  name: \"fleet\"");
            text.Append("  listen: ").AppendLine(Quoted($"{listenHost}:{Invariant(port + NatsClusterPortOffset)}"));
            if (security.Tls)
            {
                // Routes authenticate each other by certificate: both sides must present one the fleet CA signed.
                text.AppendLine("  tls {");
                AppendTls(text, security, "    ");
                text.AppendLine("    verify: true");
                text.AppendLine("  }");
            }

            text.Append("  routes: [").Append(string.Join(", ", routes.Select(Quoted))).AppendLine("]");
            text.AppendLine("}");
        }

        return text.ToString();
    }

    private static void AppendTls(StringBuilder text, CoordinationSecurity security, string indent)
    {
        text.Append(indent).Append("cert_file: ").AppendLine(Quoted(security.PathOf(CoordinationSecurity.Certificate)));
        text.Append(indent).Append("key_file: ").AppendLine(Quoted(security.PathOf(CoordinationSecurity.Key)));
        text.Append(indent).Append("ca_file: ").AppendLine(Quoted(security.PathOf(CoordinationSecurity.CertificateAuthority)));
        text.Append(indent).AppendLine("timeout: 2");
    }

    private static string Quoted(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static bool IsTrue(FleetValue? value) => string.Equals(Text(value), "true", StringComparison.OrdinalIgnoreCase);
}
