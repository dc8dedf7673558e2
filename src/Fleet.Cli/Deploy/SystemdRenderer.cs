using System.Globalization;
using System.Text;

namespace Fleet.Cli.Deploy;

/// <summary>Writes one systemd unit per service of a machine: limits, restart, a dedicated user, hardening, credentials.</summary>
internal static class SystemdRenderer
{
    private const int MaxUserName = 31;

    public static string UnitName(DeployService service) => $"fleet-{service.Id}.service";

    public static IEnumerable<KeyValuePair<string, string>> Render(DeployMachine machine)
    {
        var ids = machine.Services.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var service in machine.Services)
        {
            var unit = new StringBuilder();
            unit.Append("# Rendered by `fleet deploy render` for machine ").Append(machine.Name).AppendLine(". Do not edit: render again.");
            unit.AppendLine("[Unit]");
            unit.Append("Description=Fleet ").Append(service.Kind.ToString().ToLowerInvariant()).Append(' ').Append(Escape(service.Name)).Append(" on ").AppendLine(machine.Name);
            var dependencies = service.DependsOn.Where(ids.Contains).Select(d => $"fleet-{d}.service").ToList();
            unit.Append("After=network-online.target");
            foreach (var dependency in dependencies)
            {
                unit.Append(' ').Append(dependency);
            }

            unit.AppendLine();
            unit.Append("Wants=network-online.target");
            foreach (var dependency in dependencies)
            {
                unit.Append(' ').Append(dependency);
            }

            unit.AppendLine();
            unit.AppendLine();
            unit.AppendLine("[Service]");
            unit.AppendLine("Type=simple");
            unit.Append("User=").AppendLine(UserName(service));
            unit.AppendLine("DynamicUser=yes");
            unit.Append("StateDirectory=fleet-").AppendLine(service.Id);
            if (service.SystemdSeed is { } seed)
            {
                // Copied once: the service rewrites its copy (Sentinel records what it learns), and the install directory is read-only.
                unit.Append("ExecStartPre=/bin/cp -n ").Append(Argument(seed.From)).Append(' ').AppendLine(Argument(seed.To));
            }

            unit.Append("ExecStart=").Append(Argument(service.Executable));
            foreach (var argument in service.SystemdArguments ?? service.Command)
            {
                unit.Append(' ').Append(Argument(argument));
            }

            unit.AppendLine();
            foreach (var (name, value) in service.Environment)
            {
                unit.Append("Environment=").AppendLine(Argument($"{name}={value}"));
            }

            foreach (var secret in service.Secrets)
            {
                unit.Append("LoadCredential=").Append(Escape(secret.Name)).Append(':').AppendLine(Escape(secret.File));
            }

            if (service.MemoryMib is { } memory)
            {
                unit.Append("MemoryMax=").Append(memory.ToString(CultureInfo.InvariantCulture)).AppendLine("M");
            }

            unit.Append("Restart=").AppendLine(service.Restart);
            unit.AppendLine("RestartSec=5s");
            unit.AppendLine("NoNewPrivileges=yes");
            unit.AppendLine("ProtectSystem=strict");
            unit.AppendLine("ProtectHome=yes");
            unit.AppendLine("PrivateTmp=yes");
            unit.AppendLine(service.Gpu ? "PrivateDevices=no" : "PrivateDevices=yes");
            unit.AppendLine("ProtectKernelTunables=yes");
            unit.AppendLine("ProtectControlGroups=yes");
            unit.AppendLine("RestrictSUIDSGID=yes");
            unit.AppendLine("LogRateLimitIntervalSec=30s");
            unit.AppendLine("LogRateLimitBurst=10000");
            unit.AppendLine();
            unit.AppendLine("[Install]");
            unit.AppendLine("WantedBy=multi-user.target");
            yield return new(UnitName(service), unit.ToString());
        }
    }

    /// <summary>The service's dedicated user: <c>fleet-ID</c>, shortened with a stable suffix to the 31 characters a portable user name allows.</summary>
    public static string UserName(DeployService service)
    {
        var name = $"fleet-{service.Id}";
        if (name.Length <= MaxUserName)
        {
            return name;
        }

        var hash = 2166136261u;
        foreach (var c in service.Id)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        return $"{name[..(MaxUserName - 5)].TrimEnd('-')}-{hash % 0x10000:x4}";
    }

    /// <summary>Escapes systemd specifiers (<c>%</c>).</summary>
    private static string Escape(string value) => value.Replace("%", "%%", StringComparison.Ordinal);

    /// <summary>One command-line word or assignment: quoted when it holds a space, a quote or a backslash.</summary>
    private static string Argument(string value)
    {
        var escaped = Escape(value).Replace("$", "$$", StringComparison.Ordinal);
        return escaped.Any(c => c is ' ' or '"' or '\\' or '\'' or ';' || char.IsControl(c))
            ? "\"" + escaped.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""
            : escaped;
    }
}
