using System.Globalization;
using System.Text;

namespace Fleet.Cli.Deploy;

/// <summary>Writes a machine's <c>compose.yaml</c> (Compose specification, read by docker-compose 1.29+ and docker compose v2).</summary>
internal static class ComposeRenderer
{
    /// <summary>The uid:gid agents run as: not root, and no user of the image's own.</summary>
    public const string AgentUser = "10001:10001";

    public static string Render(DeployMachine machine)
    {
        var yaml = new StringBuilder();
        yaml.Append("# Rendered by `fleet deploy render` for machine ").Append(machine.Name).Append(" (").Append(machine.Address).AppendLine(").");
        yaml.AppendLine("# Do not edit: change the topology and render again. Run: docker-compose -p fleet-" + machine.Name.ToLowerInvariant() + " up -d");
        yaml.AppendLine("services:");
        var ids = machine.Services.ToDictionary(s => s.Id, StringComparer.Ordinal);
        foreach (var service in machine.Services)
        {
            yaml.Append("  ").Append(service.Id).AppendLine(":");
            if (service.Image is not null)
            {
                yaml.Append("    image: ").AppendLine(Quote(service.Image));
            }

            if (service.BuildContext is not null)
            {
                yaml.AppendLine("    build:");
                yaml.Append("      context: ").AppendLine(Quote(service.BuildContext));
            }

            if (service.Command.Count > 0)
            {
                yaml.Append("    command: ").AppendLine(List(service.Command));
            }

            yaml.Append("    user: ").AppendLine(Quote(service.Kind == DeployServiceKind.Coordination ? CoordinationUser(service) : AgentUser));
            yaml.AppendLine("    security_opt: [\"no-new-privileges:true\"]");
            yaml.AppendLine("    cap_drop: [ALL]");
            if (service.ReadOnlyRoot)
            {
                yaml.AppendLine("    read_only: true");
                yaml.AppendLine("    tmpfs: [\"/tmp\"]");
            }

            yaml.Append("    restart: ").AppendLine(service.Restart switch { "always" => "unless-stopped", "no" => "\"no\"", var other => other });
            if (service.Environment.Count > 0)
            {
                yaml.AppendLine("    environment:");
                foreach (var (name, value) in service.Environment)
                {
                    yaml.Append("      ").Append(Quote(name)).Append(": ").AppendLine(Quote(value));
                }
            }

            if (service.Ports.Count > 0)
            {
                yaml.AppendLine("    ports:");
                foreach (var port in service.Ports)
                {
                    yaml.Append("      - ").AppendLine(Quote($"{machine.Address}:{Invariant(port.Port)}:{Invariant(port.Port)}"));
                }
            }

            if (HasHealthCheck(service))
            {
                var test = service.HealthPort is { } health
                    ? ["CMD", "bash", "-c", AliveProbe(health)]
                    : (IReadOnlyList<string>)["CMD", .. service.HealthCommand];
                yaml.AppendLine("    healthcheck:");
                yaml.Append("      test: ").AppendLine(List(test));
                yaml.AppendLine("      interval: 10s");
                yaml.AppendLine("      timeout: 5s");
                yaml.AppendLine("      retries: 3");
                yaml.AppendLine("      start_period: 30s");
            }

            if (service.DependsOn.Count > 0)
            {
                yaml.AppendLine("    depends_on:");
                foreach (var dependency in service.DependsOn)
                {
                    yaml.Append("      ").Append(dependency).AppendLine(":");
                    yaml.Append("        condition: ").AppendLine(ids.TryGetValue(dependency, out var target) && HasHealthCheck(target) ? "service_healthy" : "service_started");
                }
            }

            if (service.Secrets.Count > 0)
            {
                yaml.AppendLine("    secrets:");
                foreach (var secret in service.Secrets)
                {
                    yaml.Append("      - source: ").AppendLine(SecretId(service, secret));
                    yaml.Append("        target: ").AppendLine(Quote(secret.Name));
                }
            }

            if (service.Volumes.Count > 0)
            {
                yaml.AppendLine("    volumes:");
                foreach (var volume in service.Volumes)
                {
                    yaml.Append("      - ").AppendLine(Quote(volume));
                }
            }

            yaml.AppendLine("    logging:");
            yaml.AppendLine("      driver: json-file");
            yaml.AppendLine("      options: { max-size: \"10m\", max-file: \"5\" }");
            if (service.MemoryMib is not null || service.Gpu)
            {
                yaml.AppendLine("    deploy:");
                yaml.AppendLine("      resources:");
                if (service.MemoryMib is { } memory)
                {
                    yaml.Append("        limits: { memory: ").Append(Invariant(memory)).AppendLine("M }");
                }

                if (service.Gpu)
                {
                    yaml.AppendLine("        reservations:");
                    yaml.AppendLine("          devices:");
                    yaml.AppendLine("            - driver: nvidia");
                    yaml.AppendLine("              count: 1");
                    yaml.AppendLine("              capabilities: [gpu]");
                }
            }
        }

        var secrets = machine.Services.SelectMany(s => s.Secrets.Select(secret => (Id: SecretId(s, secret), secret.File))).ToList();
        if (secrets.Count > 0)
        {
            yaml.AppendLine("secrets:");
            foreach (var (id, file) in secrets)
            {
                yaml.Append("  ").Append(id).AppendLine(":");
                yaml.Append("    file: ").AppendLine(Quote(file));
            }
        }

        var volumes = machine.Services.SelectMany(s => s.Volumes).Select(v => v.Split(':')[0])
            .Where(v => v.Length > 0 && !v.StartsWith('.') && !v.StartsWith('/') && !v.StartsWith('~')).Distinct(StringComparer.Ordinal).ToList();
        if (volumes.Count > 0)
        {
            yaml.AppendLine("volumes:");
            foreach (var volume in volumes)
            {
                yaml.Append("  ").Append(volume).AppendLine(": {}");
            }
        }

        return yaml.ToString();
    }

    /// <summary>GET /alive without curl, which runtime images lack: bash's /dev/tcp, as the template's Dockerfile does.</summary>
    private static string AliveProbe(int port) =>
        $"exec 3<>/dev/tcp/127.0.0.1/{Invariant(port)} && printf 'GET /alive HTTP/1.0\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200 '";

    private static bool HasHealthCheck(DeployService service) => service.HealthPort is not null || service.HealthCommand.Count > 0;

    private static string CoordinationUser(DeployService service) =>
        service.Image!.StartsWith("redis", StringComparison.Ordinal) ? "999:999" : "1000:1000";

    private static string SecretId(DeployService service, DeploySecret secret) => $"{service.Id}-{DeployPlanner.IdOf(secret.Name)}";

    private static string List(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(Quote)) + "]";

    /// <summary>A double-quoted YAML string; <c>$</c> doubled so compose does not interpolate it again.</summary>
    private static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '$' => "$$",
                '\n' => "\\n",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
