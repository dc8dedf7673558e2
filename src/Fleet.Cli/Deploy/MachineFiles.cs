using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Fleet.Cli.Deploy;

/// <summary>What a render writes next to the compose file or units: the .env, the machine's README and the manifest <c>fleet deploy diff</c> reads.</summary>
internal static class MachineFiles
{
    public const string ManifestName = "fleet-render.json";

    public static string DotEnv(DeployMachine machine)
    {
        var text = new StringBuilder();
        text.Append("# The variables the topology uses (").Append(string.Join(", ", machine.Sources.Select(Path.GetFileName))).AppendLine("), each defined.");
        text.AppendLine("# Rendered by `fleet deploy render`; the rendered files already hold the resolved values.");
        foreach (var (name, value) in machine.Variables)
        {
            var quoted = value.Any(c => char.IsWhiteSpace(c) || c is '#' or '"' or '\'' or '$' or '\\')
                ? "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'"
                : value;
            text.Append(name).Append('=').AppendLine(quoted);
        }

        return text.ToString();
    }

    public static string Readme(DeployMachine machine, string format)
    {
        var project = $"fleet-{machine.Name.ToLowerInvariant()}";
        var text = new StringBuilder();
        text.Append("# Machine ").Append(machine.Name).Append(" (").Append(machine.Address).AppendLine(")");
        text.AppendLine();
        text.Append("Rendered by `fleet deploy render --format ").Append(format).Append("` from ")
            .Append(string.Join(", ", machine.Sources.Select(s => $"`{s}`"))).AppendLine(". Do not edit these files: change the topology and render again.");
        text.AppendLine();
        if (machine.InsecureCoordination)
        {
            text.Append("**Warning: rendered with `").Append(DeployPlanner.InsecureOption)
                .AppendLine("`: coordination servers on several machines may talk without TLS or a password, in plain text across the network. Configure `Tls` and `PasswordSecret` (docs/deploy.md#security) and render again.**");
            text.AppendLine();
        }

        text.AppendLine("## What runs here");
        text.AppendLine();
        text.AppendLine("| # | service | kind | runs | ports (on " + machine.Address + ") | waits for | uses on other machines |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        var index = 1;
        foreach (var service in machine.Services)
        {
            var runs = service.Image ?? (service.BuildContext is null ? service.Executable : $"build {service.BuildContext}");
            if (format == "systemd")
            {
                runs = service.Executable;
            }

            text.Append("| ").Append(index++.ToString(CultureInfo.InvariantCulture))
                .Append(" | ").Append(format == "systemd" ? SystemdRenderer.UnitName(service) : service.Id)
                .Append(" | ").Append(service.Kind.ToString().ToLowerInvariant())
                .Append(" | `").Append(runs).Append('`')
                .Append(" | ").Append(service.Ports.Count == 0 ? "-" : string.Join(", ", service.Ports.Select(p => $"{p.Port} ({p.Kind})")))
                .Append(" | ").Append(service.DependsOn.Count == 0 ? "-" : string.Join(", ", service.DependsOn))
                .Append(" | ").Append(service.RemoteDependencies.Count == 0 ? "-" : string.Join(", ", service.RemoteDependencies))
                .AppendLine(" |");
        }

        text.AppendLine();
        text.AppendLine("## Start order");
        text.AppendLine();
        text.AppendLine("Services start in the order of the table: each after the same-machine services it waits for is healthy.");
        text.AppendLine("Dependencies on other machines are not waited for; agents degrade until they answer.");
        text.AppendLine();
        if (format == "compose")
        {
            text.AppendLine("```sh");
            text.Append("docker-compose -p ").Append(project).AppendLine(" config -q    # check");
            text.Append("docker-compose -p ").Append(project).AppendLine(" up -d --build");
            text.Append("docker-compose -p ").Append(project).AppendLine(" ps            # every service healthy");
            text.AppendLine("```");
        }
        else
        {
            text.AppendLine("```sh");
            text.AppendLine("sudo cp fleet-*.service /etc/systemd/system/ && sudo systemctl daemon-reload");
            text.Append("sudo systemctl enable --now");
            foreach (var service in machine.Services)
            {
                text.Append(' ').Append(SystemdRenderer.UnitName(service));
            }

            text.AppendLine();
            text.AppendLine("```");
        }

        text.AppendLine();
        text.AppendLine("## Rollback");
        text.AppendLine();
        text.AppendLine("Every render moves the render it replaces to `previous/`. To go back, run the previous render again:");
        text.AppendLine();
        text.AppendLine("```sh");
        if (format == "compose")
        {
            text.Append("cd previous && docker-compose -p ").Append(project).AppendLine(" up -d --remove-orphans");
        }
        else
        {
            text.AppendLine("sudo cp previous/fleet-*.service /etc/systemd/system/ && sudo systemctl daemon-reload");
            text.AppendLine("sudo systemctl restart 'fleet-*.service'");
        }

        text.AppendLine("```");
        text.AppendLine();
        text.AppendLine("Before rendering again, `fleet deploy diff` shows which services would change ports, or be added or removed.");
        return text.ToString();
    }

    public static string Manifest(DeployMachine machine, string format, IReadOnlyDictionary<string, string> files)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("machine", machine.Name);
            json.WriteString("address", machine.Address);
            json.WriteString("format", format);
            json.WriteStartArray("services");
            foreach (var service in machine.Services)
            {
                json.WriteStartObject();
                json.WriteString("id", service.Id);
                json.WriteString("name", service.Name);
                json.WriteString("kind", service.Kind.ToString().ToLowerInvariant());
                json.WriteString("runs", service.Image ?? service.BuildContext ?? service.Executable);
                json.WriteStartArray("ports");
                foreach (var port in service.Ports)
                {
                    json.WriteNumberValue(port.Port);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("files");
            foreach (var name in files.Keys.Order(StringComparer.Ordinal))
            {
                json.WriteStringValue(name);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
