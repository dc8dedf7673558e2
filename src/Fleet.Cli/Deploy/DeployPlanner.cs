using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Fleet.Sdk.Config;

namespace Fleet.Cli.Deploy;

/// <summary>
/// Turns a loaded topology into what one machine runs: its agents, the coordination servers whose
/// addresses name it, and the bridge. Refuses (every finding with file:line and a fix) rather than
/// rendering something unsafe or incomplete.
/// </summary>
internal static partial class DeployPlanner
{
    private const int NatsClusterPortOffset = 2000;
    private const int NatsMonitorPortOffset = 4000;

    public static DeployMachine Plan(FleetTopologyLoadResult result, DeployPlanOptions options)
    {
        var topology = result.Topology;
        if (!topology.TryGetMachine(options.Machine, out var machine))
        {
            throw new CliException($"machine '{options.Machine}' is not in the topology; its machines are: {string.Join(", ", topology.Machines.Select(m => m.Name))}.");
        }

        var refusals = result.Diagnostics.Where(d => d.Severity == FleetDiagnosticSeverity.Error).ToList();
        refusals.AddRange(result.Diagnostics.Where(d => d.Rule == FleetRules.BindAllInterfaces &&
                                                         (d.Machine is null || string.Equals(d.Machine, machine.Name, StringComparison.OrdinalIgnoreCase))));
        if (options.DefaultImage is null)
        {
            refusals.AddRange(DeploymentRules.CheckSources(topology, machine.Name));
        }

        var address = options.Address ?? machine.Host;
        if (string.IsNullOrWhiteSpace(address))
        {
            refusals.Add(Refusal(machine.Location, $"machine {machine.Name} has no address to publish its ports on",
                $"set machines.{machine.Name}.host (in overrides/{machine.Name}.yaml, for example host: ${{{machine.Name.ToUpperInvariant()}_IP}}), or pass --address."));
        }
        else if (address is "0.0.0.0" or "::" or "[::]" or "*")
        {
            refusals.Add(Refusal(machine.Location, $"machine {machine.Name} would publish its ports on {address}, every interface",
                $"set machines.{machine.Name}.host (or --address) to the machine's own address, for example 192.168.1.10."));
        }

        var variables = UsedVariables(result, options.Environment, refusals);
        CheckCoordinationSecurity(topology, options, refusals);
        if (refusals.Count > 0)
        {
            throw Refused(machine.Name, refusals);
        }

        var agents = topology.AgentsOn(machine.Name).ToList();
        var services = new List<DeployService>();
        services.AddRange(CoordinationServers(topology, address!, options));
        services.AddRange(Bridges(topology, address!, options));
        foreach (var agent in agents)
        {
            services.Add(AgentService(topology, machine, agent, options, refusals));
        }

        if (refusals.Count > 0)
        {
            throw Refused(machine.Name, refusals);
        }

        return new DeployMachine
        {
            Name = machine.Name,
            Address = address!,
            Services = StartOrder(services),
            Variables = variables,
            InsecureCoordination = options.InsecureCoordination,
            Sources = result.Files.Where(f => f.Role != "env").Select(f => f.Path).ToList(),
        };
    }

    /// <summary>The compose service and unit stem of a name: ServiceRegistry becomes service-registry.</summary>
    public static string IdOf(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsAsciiLetterUpper(c) && i > 0 && (char.IsAsciiLetterLower(name[i - 1]) || char.IsAsciiDigit(name[i - 1])))
            {
                builder.Append('-');
            }

            builder.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-');
        }

        return builder.ToString().Trim('-');
    }

    private static CliException Refused(string machine, List<FleetDiagnostic> refusals)
    {
        var text = new StringBuilder($"refusing to render machine {machine}: {refusals.Count} problem(s); nothing was written.");
        foreach (var refusal in refusals.Distinct())
        {
            text.Append("\n  ").Append(refusal.ToString().Replace("\n", "\n  ", StringComparison.Ordinal));
        }

        return new CliException(text.ToString(), ExitCodes.Problems);
    }

    private static FleetDiagnostic Refusal(SourceLocation location, string message, string fix) => new()
    {
        Rule = FleetRules.InvalidValue,
        Message = message,
        Location = location,
        Fix = fix,
    };

    private static DeployService AgentService(FleetTopology topology, FleetMachine machine, FleetAgent agent, DeployPlanOptions options, List<FleetDiagnostic> refusals)
    {
        var image = Text(agent.Extra["image"]);
        var build = agent.Extra["build"] switch
        {
            FleetMapping mapping => Text(mapping["context"]),
            var value => Text(value),
        };
        if (build is not null && !Path.IsPathRooted(build))
        {
            build = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(agent.SourceFile ?? ".")) ?? ".", build));
        }

        if (image is null && build is null)
        {
            image = options.DefaultImage;
        }

        var environment = new List<KeyValuePair<string, string>>
        {
            new("FLEET__Agent__Name", agent.Name),
            new("FLEET__Machine__Name", machine.Name),
        };
        if (machine.Settings["environment"] is FleetMapping machineEnvironment)
        {
            environment.AddRange(Scalars(machineEnvironment));
        }

        foreach (var key in new[] { "env", "environment" })
        {
            if (agent.Extra[key] is FleetMapping env)
            {
                environment.AddRange(Scalars(env));
            }
        }

        foreach (var (name, value) in environment)
        {
            if (value.Contains("${", StringComparison.Ordinal))
            {
                refusals.Add(Refusal(agent.Location, $"agent {agent.Name}'s environment variable {name} is still '{value}' after interpolation",
                    "define the variable it names (environment, .env or variables:), or give it a default with ${NAME:-value}."));
            }
        }

        var secrets = agent.Extra["secrets"] is FleetMapping secretMap
            ? Scalars(secretMap).Select(s => new DeploySecret(s.Key, s.Value)).ToList()
            : [];
        var volumes = agent.Extra["volumes"] is FleetSequence volumeList
            ? volumeList.Items.Select(Text).OfType<string>().ToList()
            : [];
        var script = Text(agent.Extra["script_path"]);
        var command = agent.Extra["command"] switch
        {
            FleetSequence list => list.Items.Select(Text).OfType<string>().ToList(),
            FleetScalar { Value: { } line } => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList(),
            _ => script is null ? [] : ["python3", script],
        };
        var executable = Text(agent.Extra["exec"]) ?? (script is null
            ? Path.Combine(options.InstallDirectory, agent.Name, agent.Name)
            : "/usr/bin/python3");
        var systemdArguments = agent.Extra["command"] is null && script is not null && Text(agent.Extra["exec"]) is null
            ? [Path.Combine(options.InstallDirectory, "app", script)]
            : command;

        var local = new List<string>();
        var remote = new List<string>();
        foreach (var dependency in agent.Dependencies)
        {
            if (topology.TryGetAgent(dependency.Agent, out var target) && string.Equals(target.Machine, machine.Name, StringComparison.OrdinalIgnoreCase))
            {
                local.Add(IdOf(target.Name));
            }
            else
            {
                remote.Add(target is null ? dependency.Agent : $"{target.Name} on {target.Machine}");
            }
        }

        var ports = new List<DeployPort>();
        if (agent.Port is { } main)
        {
            ports.Add(new DeployPort(main, "port"));
        }

        if (agent.HealthPort is { } healthPort && healthPort != agent.Port)
        {
            ports.Add(new DeployPort(healthPort, "health"));
        }

        return new DeployService
        {
            Name = agent.Name,
            Id = IdOf(agent.Name),
            Kind = DeployServiceKind.Agent,
            Image = image,
            BuildContext = image is null ? build : null,
            Command = agent.Extra["command"] is null && script is null ? [] : command,
            Executable = executable,
            Ports = ports,
            HealthPort = agent.HealthPort ?? agent.Port,
            DependsOn = local,
            RemoteDependencies = remote,
            MemoryMib = agent.Resources.MemoryMib ?? machine.Limits.MemoryMib,
            Gpu = agent.Gpu is not null,
            ReadOnlyRoot = !string.Equals(Text(agent.Extra["read_only"]), "false", StringComparison.OrdinalIgnoreCase),
            Restart = RestartPolicy(Text(agent.Extra["restart_policy"])),
            Secrets = secrets,
            Environment = environment.Where(e => !DeploymentRules.LooksSecret(e.Key)).ToList(),
            Volumes = volumes,
            SystemdArguments = systemdArguments,
        };
    }

    private static string RestartPolicy(string? written) => written?.ToLowerInvariant() switch
    {
        "no" or "never" or "false" => "no",
        "on-failure" or "on_failure" => "on-failure",
        _ => "always",
    };

    private static IEnumerable<DeployService> CoordinationServers(FleetTopology topology, string address, DeployPlanOptions options)
    {
        var coordination = Child(topology.Settings, "Coordination");
        var redis = Child(coordination, "Redis");
        var nats = Child(coordination, "Nats");
        var redisServers = Endpoints(Text(Child(redis, "ConnectionString")), 6379);
        var listenHost = options.Format == "systemd" ? address : "0.0.0.0";
        for (var i = 0; i < redisServers.Count; i++)
        {
            var (host, port) = redisServers[i];
            if (!IsHere(host, address))
            {
                continue;
            }

            var id = $"redis-{port}";
            var security = Security(redis, options, id);
            var file = $"{id}.conf";
            var configuration = RedisConfiguration(options, id, listenHost, port, i > 0 ? redisServers[0] : null, security);
            var service = Coordinator(id, "redis:7.0", "redis-server", "/usr/bin/redis-server", [RedisConfigMount],
                [new DeployPort(port, "client")], RedisProbe(port, security));
            yield return service with
            {
                Volumes = [$"./{file}:{RedisConfigMount}:ro", $"{id}-data:/data"],
                SystemdArguments = [Path.Combine(options.InstallDirectory, file)],
                ConfigFiles = [new(file, configuration)],
                Secrets = security.Secrets,
            };
        }

        var sentinels = Endpoints(Text(Child(redis, "Sentinels")), 26379);
        var serviceName = Text(Child(redis, "ServiceName")) ?? "fleet";
        foreach (var (host, port) in sentinels.Where(s => IsHere(s.Host, address)))
        {
            var master = redisServers.Count > 0 ? redisServers[0] : (Host: address, Port: 6379);
            var id = $"sentinel-{port}";
            var security = Security(redis, options, id, "-sentinel");
            var file = $"{id}.conf";
            var configuration = SentinelConfiguration(id, listenHost, port, serviceName, master, (sentinels.Count / 2) + 1, security);
            // Sentinel rewrites its configuration at run time (by writing a new file and renaming it over the old one),
            // so it runs from a copy in its state volume or directory, seeded from the rendered file on first start.
            var service = Coordinator(id, "redis:7.0", "sh", "/usr/bin/redis-server",
                ["-c", $"cp -n {SentinelConfigMount} /data/sentinel.conf && exec redis-server /data/sentinel.conf --sentinel"],
                [new DeployPort(port, "sentinel")], RedisProbe(port, security));
            var state = $"/var/lib/fleet-{id}/sentinel.conf";
            yield return service with
            {
                Volumes = [$"./{file}:{SentinelConfigMount}:ro", $"{id}-data:/data"],
                SystemdArguments = [state, "--sentinel"],
                SystemdSeed = (Path.Combine(options.InstallDirectory, file), state),
                ConfigFiles = [new(file, configuration)],
                Secrets = security.Secrets,
            };
        }

        var natsServers = Endpoints(Text(Child(nats, "Servers")), 4222);
        foreach (var (host, port) in natsServers.Where(s => IsHere(s.Host, address)))
        {
            var id = $"nats-{port}";
            var security = Security(nats, options, id);
            var cluster = port + NatsClusterPortOffset;
            var routes = natsServers.Where(s => !(IsHere(s.Host, host) && s.Port == port))
                .Select(s => $"nats://{s.Host}:{Invariant(s.Port + NatsClusterPortOffset)}").ToList();
            var file = $"{id}.conf";
            var service = Coordinator(id, "nats:2.9-alpine", "nats-server", "/usr/sbin/nats-server", ["-c", NatsConfigMount],
                routes.Count > 0 ? [new DeployPort(port, "client"), new DeployPort(cluster, "cluster")] : [new DeployPort(port, "client")],
                ["wget", "-q", "--spider", $"http://127.0.0.1:{Invariant(port + NatsMonitorPortOffset)}/healthz"]);
            var configuration = NatsConfiguration(options, service, $"nats-{host}-{port}", listenHost, port, routes, security);
            yield return service with
            {
                Volumes = [$"./{file}:{NatsConfigMount}:ro", $"{id}-data:/data"],
                SystemdArguments = ["-c", Path.Combine(options.InstallDirectory, file)],
                ConfigFiles = [new(file, configuration)],
                Secrets = security.Secrets,
            };
        }
    }

    private static DeployService Coordinator(string id, string image, string program, string executable, List<string> arguments,
        IReadOnlyList<DeployPort> ports, IReadOnlyList<string> health) => new()
    {
        Name = id,
        Id = id,
        Kind = DeployServiceKind.Coordination,
        Image = image,
        Command = [program, .. arguments],
        Executable = executable,
        SystemdArguments = arguments.Select(a => a == "/data" ? $"/var/lib/fleet-{id}" : a).ToList(),
        Ports = ports,
        HealthCommand = health,
        Volumes = [$"{id}-data:/data"],
        Restart = "always",
        ReadOnlyRoot = true,
        MemoryMib = null,
    };

    private static IEnumerable<DeployService> Bridges(FleetTopology topology, string address, DeployPlanOptions options)
    {
        foreach (var bridge in BridgeMappings(topology))
        {
            var frontend = Text(Child(bridge, "FrontendEndpoint"));
            var backend = Text(Child(bridge, "BackendEndpoint"));
            if (frontend is null || backend is null || Endpoints(frontend, 5600) is not [var front] || !IsHere(front.Host, address))
            {
                continue;
            }

            var back = Endpoints(backend, 5601)[0];
            var role = Text(Child(bridge, "Role")) ?? "Primary";
            var peer = Text(Child(bridge, "PeerEndpoint"));
            List<string> Arguments(string bindHost)
            {
                List<string> list = ["bridge", "run", "--role", role.ToLowerInvariant(),
                    "--frontend", $"tcp://{bindHost}:{Invariant(front.Port)}", "--backend", $"tcp://{bindHost}:{Invariant(back.Port)}"];
                if (peer is not null)
                {
                    list.AddRange(["--peer", peer]);
                }

                return list;
            }

            var id = $"bridge-{role.ToLowerInvariant()}";
            var secrets = BridgeKeys(bridge, options);
            var secretDirectory = options.Format == "systemd" ? $"/run/credentials/fleet-{id}.service" : "/run/secrets";
            List<string> Keyed(List<string> arguments)
            {
                if (secrets.Count == 2)
                {
                    arguments.AddRange(["--cert", $"{secretDirectory}/{secrets[0].Name}", "--peer-key", $"{secretDirectory}/{secrets[1].Name}"]);
                }

                return arguments;
            }

            yield return new DeployService
            {
                Name = id,
                Id = id,
                Kind = DeployServiceKind.Bridge,
                Image = options.ToolImage,
                Command = Keyed(Arguments("0.0.0.0")),
                Executable = Path.Combine(options.InstallDirectory, "fleet", "fleet"),
                SystemdArguments = Keyed(Arguments(address)),
                Secrets = secrets,
                Ports = [new DeployPort(front.Port, "frontend"), new DeployPort(back.Port, "backend")],
                Restart = "always",
            };
        }
    }

    private static List<FleetMapping> BridgeMappings(FleetTopology topology) =>
        topology.Settings.Entries.FirstOrDefault(e => string.Equals(e.Key, "Bridge", StringComparison.OrdinalIgnoreCase)).Value switch
        {
            FleetMapping one => [one],
            FleetSequence many => many.Items.OfType<FleetMapping>().ToList(),
            _ => [],
        };

    private static List<DeployService> StartOrder(List<DeployService> services)
    {
        var byId = services.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var ordered = new List<DeployService>();
        void Visit(DeployService service, int depth)
        {
            if (!done.Add(service.Id))
            {
                return;
            }

            foreach (var dependency in service.DependsOn.Where(byId.ContainsKey))
            {
                if (depth < services.Count)
                {
                    Visit(byId[dependency], depth + 1);
                }
            }

            ordered.Add(service);
        }

        foreach (var service in services)
        {
            Visit(service, 0);
        }

        return ordered;
    }

    private static List<KeyValuePair<string, string>> UsedVariables(FleetTopologyLoadResult result, IEnvironmentVariables environment, List<FleetDiagnostic> refusals)
    {
        var dotEnv = result.Files.Where(f => f.Role == "env").Select(f => DotEnvFile.Load(f.Path)).ToList();
        var used = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in result.Files.Where(f => f.Role != "env"))
        {
            var lines = File.ReadAllLines(file.Path);
            for (var line = 0; line < lines.Length; line++)
            {
                var text = lines[line];
                var comment = text.IndexOf('#', StringComparison.Ordinal);
                foreach (Match match in VariablePattern().Matches(comment < 0 ? text : text[..comment]))
                {
                    var name = match.Groups["name"].Value;
                    var value = environment.Get(name)
                                ?? dotEnv.Select(d => d.Get(name)).FirstOrDefault(v => v is not null)
                                ?? result.Topology.Variables.GetValueOrDefault(name)
                                ?? (match.Groups["default"].Success ? match.Groups["default"].Value : null);
                    if (value is not null)
                    {
                        used.TryAdd(name, value);
                    }
                    else if (!used.ContainsKey(name) && !result.Diagnostics.Any(d => d.Severity == FleetDiagnosticSeverity.Error && d.Message.Contains(name, StringComparison.Ordinal)))
                    {
                        refusals.Add(Refusal(new SourceLocation(file.Path, line + 1, match.Index + 1), $"${{{name}}} is defined nowhere",
                            $"set {name} in the environment or a .env file (--env-file), or declare it under variables:."));
                    }
                }
            }
        }

        return used.ToList();
    }

    private static bool IsHere(string host, string address) => string.Equals(host, address, StringComparison.OrdinalIgnoreCase);

    private static List<(string Host, int Port)> Endpoints(string? list, int defaultPort)
    {
        var endpoints = new List<(string Host, int Port)>();
        foreach (var item in (list ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (item.Contains('=', StringComparison.Ordinal))
            {
                continue;
            }

            var text = item.Contains("://", StringComparison.Ordinal) ? item[(item.IndexOf("://", StringComparison.Ordinal) + 3)..] : item;
            var colon = text.LastIndexOf(':');
            endpoints.Add(colon > 0 && int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                ? (text[..colon], port)
                : (text, defaultPort));
        }

        return endpoints;
    }

    private static FleetValue? Child(FleetValue? parent, string key)
    {
        return parent is FleetMapping mapping
            ? mapping.Entries.FirstOrDefault(e => string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase)).Value
            : null;
    }

    private static string? Text(FleetValue? value) => value is FleetScalar { Value: { } text } ? text : null;

    private static IEnumerable<KeyValuePair<string, string>> Scalars(FleetMapping mapping) =>
        mapping.Entries.Where(e => e.Value is FleetScalar { Value: not null }).Select(e => new KeyValuePair<string, string>(e.Key, Text(e.Value)!));

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?::?-(?<default>[^}]*))?")]
    private static partial Regex VariablePattern();
}
