using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Fleet.Cli.Coordination;
using Fleet.Sdk.Config;
using Fleet.Sdk.Coordination;
using Fleet.Sdk.Discovery;
using Fleet.Sdk.GpuScheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Cli.Gpu;

/// <summary><c>fleet gpu status|plan</c>: capacity, leases and usage per GPU, and where requests would go.</summary>
internal static class GpuCommand
{
    public static Command Create()
    {
        var topology = new Option<string?>("--topology")
        {
            Description = "The topology file (or its directory) whose machines' gpus: are the inventory; default: FLEET_CONFIG_DIR when set.",
        };
        var gpus = new Option<string[]>("--gpu")
        {
            Description = "MACHINE=NAME:MIB, a GPU besides (or, for that machine, instead of) the topology's, for example pc2=RTX3060:12288. Repeatable.",
        };
        var redis = new RedisCliOptions("Redis servers (host:port[,host:port]) holding the lease ledger; default: Fleet:Coordination (FLEET__COORDINATION__REDIS__CONNECTIONSTRING, __SENTINELS, or --nats). Without an engine, the inventory alone is shown.");
        var anyMachine = new Option<bool>("--ignore-liveness")
        {
            Description = "Treat every machine as live (by default, with a coordination engine, only machines registered as FleetGpu in discovery are).",
        };
        var requests = new Option<string[]>("--request")
        {
            Description = "WORKLOAD=[VARIANT:]MIB[,[VARIANT:]MIB...][@PRIORITY], in order, for example llm=fp16:14336,int8:8192@10. Repeatable.",
            Required = true,
        };

        var status = new Command("status", "A table per machine and GPU: capacity, safety margin, reserved, used (nvidia-smi), free and leases.");
        var plan = new Command("plan", "Show where requests would go, in order, on the current leases; nothing is reserved.");
        foreach (var command in new[] { status, plan })
        {
            command.Options.Add(topology);
            command.Options.Add(gpus);
            redis.AddTo(command, format: true);
            command.Options.Add(anyMachine);
        }

        plan.Options.Add(requests);
        status.SetAction((parse, cancellationToken) => StatusAsync(
            Connect(parse.GetValue(topology), parse.GetValue(gpus) ?? [], redis.Configuration(parse), parse.GetValue(redis.Timeout), parse.GetValue(anyMachine)),
            parse.GetValue(redis.Format)!,
            parse.InvocationConfiguration.Output,
            cancellationToken));
        plan.SetAction((parse, cancellationToken) => PlanAsync(
            Connect(parse.GetValue(topology), parse.GetValue(gpus) ?? [], redis.Configuration(parse), parse.GetValue(redis.Timeout), parse.GetValue(anyMachine)),
            (parse.GetValue(requests) ?? []).Select(ParseRequest).ToList(),
            parse.GetValue(redis.Format)!,
            parse.InvocationConfiguration.Output,
            cancellationToken));

        var gpu = new Command("gpu", "Inspect the fleet's GPUs and leases, and plan placements.");
        gpu.Subcommands.Add(status);
        gpu.Subcommands.Add(plan);
        return gpu;
    }

    /// <summary>Parses <c>WORKLOAD=[VARIANT:]MIB[,...][@PRIORITY]</c>.</summary>
    internal static GpuRequest ParseRequest(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var at = text.LastIndexOf('@');
        var priority = 0;
        if (equals <= 0 || (at >= 0 && (at < equals || !int.TryParse(text.AsSpan(at + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out priority))))
        {
            throw new CliException($"--request '{text}' is not WORKLOAD=[VARIANT:]MIB[,...][@PRIORITY] (for example llm=fp16:14336,int8:8192@10).");
        }

        var variants = new List<GpuVariant>();
        foreach (var part in text[(equals + 1)..(at >= 0 ? at : text.Length)].Split(','))
        {
            var colon = part.LastIndexOf(':');
            var name = colon > 0 ? part[..colon] : (variants.Count == 0 ? "default" : $"v{variants.Count + 1}");
            if (!long.TryParse(part.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var mib) || mib <= 0)
            {
                throw new CliException($"--request '{text}': '{part}' is not [VARIANT:]MIB with a positive number of MiB (14 GiB = 14336).");
            }

            variants.Add(new GpuVariant(name, mib));
        }

        return new GpuRequest(text[..equals], variants[0].VramMib, priority) { Variant = variants[0].Name, Fallbacks = variants.Skip(1).ToList() };
    }

    private static ServiceProvider Connect(string? topologyPath, string[] gpus, IConfiguration configuration, int timeoutMs, bool ignoreLiveness)
    {
        // The engine comes from Fleet:Coordination (--redis and --nats lay over it); the ledger and liveness follow it
        // through the packages' own choice (Auto). In-process: the inventory alone, nothing to ask.
        var engine = CoordinationSettings.Read(configuration).EffectiveEngine;
        var shared = engine != CoordinationEngine.InProcess;
        var topology = LoadTopology(topologyPath);
        var devices = gpus.Select(ParseGpu).ToList();
        if (topology.Machines.All(m => m.Gpus.Count == 0) && devices.Count == 0)
        {
            throw new CliException("No GPU inventory: give --topology fleet.yaml (machines with gpus:), set FLEET_CONFIG_DIR, or list GPUs with --gpu MACHINE=NAME:MIB.");
        }

        var timeout = TimeSpan.FromMilliseconds(timeoutMs);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.Configure<FleetTopologyOptions>(o => o.Topology = topology);
        services.AddFleetDiscovery(o =>
        {
            o.Provider = engine switch
            {
                CoordinationEngine.InProcess => DiscoveryProviderKind.InMemory,
                CoordinationEngine.Redis => DiscoveryProviderKind.Redis,
                _ => DiscoveryProviderKind.Auto,
            };
            o.ResolveTimeout = timeout;
        });
        services.AddFleetCoordination(o =>
        {
            o.Redis.ConnectTimeout = timeout;
            o.Redis.OperationTimeout = timeout;
            o.Nats.ConnectTimeout = timeout;
            o.Nats.OperationTimeout = timeout;
        });
        services.AddFleetGpuScheduling(o =>
        {
            o.Ledger = GpuLedgerKind.Auto;
            o.ReportThisMachine = false;
            o.RequireLiveMachine = shared && !ignoreLiveness;
            foreach (var device in devices)
            {
                o.Devices.Add(device);
            }
        });
        return services.BuildServiceProvider();
    }

    private static FleetTopology LoadTopology(string? path)
    {
        path ??= LegacyEnvironmentAliases.ConfigDirectory.Read(ProcessEnvironmentVariables.Instance) is { HasValue: true } dir ? dir.Value : null;
        if (path is null)
        {
            return FleetTopology.Empty;
        }

        var file = Directory.Exists(path)
            ? FleetTopologyLoader.FindTopologyFile(path) ?? throw new CliException($"{path} holds no topology file: expected one of {string.Join(", ", FleetTopologySchema.DefaultFileNames)}.")
            : path;
        try
        {
            return FleetTopologyLoader.Load(new FleetTopologyLoadOptions().AddFiles(file)).Topology;
        }
        catch (FleetConfigurationException ex)
        {
            throw new CliException($"The topology {file} cannot be loaded: {ex.Message} (check it with fleet config validate {file}).", ex);
        }
    }

    private static GpuDeviceOptions ParseGpu(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var colon = text.LastIndexOf(':');
        if (equals <= 0 || colon <= equals || !long.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var mib) || mib <= 0)
        {
            throw new CliException($"--gpu '{text}' is not MACHINE=NAME:MIB (for example pc2=RTX3060:12288).");
        }

        return new GpuDeviceOptions { Machine = text[..equals], Name = text[(equals + 1)..colon], VramMib = mib };
    }

    private static async Task<int> StatusAsync(ServiceProvider services, string format, TextWriter output, CancellationToken cancellationToken)
    {
        await using (services.ConfigureAwait(false))
        {
            var statuses = await Ask(() => CoordinationSettings.Resolve(services.GetRequiredService<IGpuScheduler>).GetStatusAsync(cancellationToken)).ConfigureAwait(false);
            if (format == "json")
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(statuses.Select(s => new
                {
                    machine = s.Machine,
                    gpu = s.GpuIndex,
                    name = s.GpuName,
                    live = s.MachineLive,
                    capacity_mib = s.CapacityMib,
                    margin_mib = s.SafetyMarginMib,
                    reserved_mib = s.ReservedMib,
                    used_mib = s.UsedMib,
                    free_mib = s.FreeMib,
                    memory_pressure = s.UnderMemoryPressure,
                    fencing_token = s.FencingToken,
                    leases = s.Leases.Select(l => new { id = l.LeaseId, workload = l.Workload, variant = l.Variant, holder = l.Holder, mib = l.VramMib, priority = l.Priority, state = l.State.ToString(), token = l.FencingToken, expires = l.ExpiresAt }),
                }), new JsonSerializerOptions { WriteIndented = true })).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var rows = statuses.Select(s => new[]
            {
                s.Machine, s.GpuIndex.ToString(CultureInfo.InvariantCulture), s.GpuName, s.MachineLive ? "yes" : "NO",
                Mib(s.CapacityMib), Mib(s.SafetyMarginMib), Mib(s.ReservedMib),
                s.UsedMib is { } used ? Mib(used) + (s.UnderMemoryPressure ? " !" : string.Empty) : "-",
                Mib(s.FreeMib),
                s.Leases.Count == 0 ? "-" : string.Join(' ', s.Leases.Select(l => $"{l.Workload}:{l.VramMib}{(l.State == GpuLeaseState.Active ? string.Empty : $"({l.State})")}")),
            }).ToList();
            await TextTable.WriteAsync(output, ["MACHINE", "GPU", "NAME", "LIVE", "CAPACITY", "MARGIN", "RESERVED", "USED", "FREE", "LEASES"], rows).ConfigureAwait(false);
            if (statuses.Any(s => s.UnderMemoryPressure))
            {
                await output.WriteLineAsync("! memory pressure: more VRAM in use than leased (a workload exceeds its lease, or runs without one).").ConfigureAwait(false);
            }

            await output.WriteLineAsync($"{statuses.Count} GPU(s), {statuses.Sum(s => s.Leases.Count)} lease(s); figures in MiB.").ConfigureAwait(false);
            return statuses.Any(s => s.UnderMemoryPressure) ? ExitCodes.Problems : ExitCodes.Success;
        }
    }

    private static async Task<int> PlanAsync(ServiceProvider services, IReadOnlyList<GpuRequest> requests, string format, TextWriter output, CancellationToken cancellationToken)
    {
        await using (services.ConfigureAwait(false))
        {
            var plans = await Ask(() => CoordinationSettings.Resolve(services.GetRequiredService<IGpuScheduler>).PlanAsync(requests, cancellationToken)).ConfigureAwait(false);
            if (format == "json")
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(plans.Select(p => new
                {
                    workload = p.Request.Workload,
                    fits = p.Fits,
                    machine = p.Machine,
                    gpu = p.GpuIndex,
                    variant = p.Variant,
                    mib = p.VramMib,
                    preempts = p.Preempts,
                    reason = p.Reason,
                }), new JsonSerializerOptions { WriteIndented = true })).ConfigureAwait(false);
            }
            else
            {
                var rows = plans.Select(p => new[]
                {
                    p.Request.Workload, p.Request.Priority.ToString(CultureInfo.InvariantCulture),
                    p.Fits ? $"{p.Machine}/{p.GpuIndex}" : "does not fit",
                    p.Variant ?? "-", p.Fits ? Mib(p.VramMib) : "-",
                    p.Fits ? (p.Preempts.Count == 0 ? "-" : "evicts " + string.Join(' ', p.Preempts)) : p.Reason ?? string.Empty,
                }).ToList();
                await TextTable.WriteAsync(output, ["WORKLOAD", "PRIORITY", "PLACED ON", "VARIANT", "MIB", "NOTE"], rows).ConfigureAwait(false);
                await output.WriteLineAsync($"{plans.Count(p => p.Fits)} of {plans.Count} request(s) fit; nothing was reserved.").ConfigureAwait(false);
            }

            return plans.All(p => p.Fits) ? ExitCodes.Success : ExitCodes.Problems;
        }
    }

    private static async Task<T> Ask<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is GpuLedgerUnavailableException or DiscoveryUnavailableException)
        {
            throw new CliException(ex.Message, ex, ExitCodes.Problems);
        }
        catch (ArgumentException ex)
        {
            throw new CliException(ex.Message, ex);
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("Fleet:", StringComparison.Ordinal))
        {
            // A package refused the engine the settings name (it says which key to change).
            throw new CliException(ex.Message, ex);
        }
    }

    private static string Mib(long mib) => mib.ToString(CultureInfo.InvariantCulture);
}
