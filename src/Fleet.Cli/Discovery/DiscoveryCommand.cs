using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Fleet.Cli.Coordination;
using Fleet.Sdk.Coordination;
using Fleet.Sdk.Discovery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Cli.Discovery;

/// <summary><c>fleet discovery ls|watch</c>: what the registry holds, and how it changes.</summary>
internal static class DiscoveryCommand
{
    public static Command Create()
    {
        var redis = new RedisCliOptions("Redis servers (host:port[,host:port]); default: Fleet:Coordination:Redis:ConnectionString from the environment (FLEET__COORDINATION__REDIS__CONNECTIONSTRING; or __SENTINELS, or --nats).");
        var ls = new Command("ls", "List every live instance: service, instance, machine, health, heartbeat age, endpoints.");
        var watch = new Command("watch", "Stream registrations, deregistrations and health changes until Ctrl+C.");
        redis.AddTo(ls, format: true);
        redis.AddTo(watch, format: false);
        ls.SetAction((parse, cancellationToken) =>
            ListAsync(Connect(redis.Configuration(parse), parse.GetValue(redis.Timeout)), parse.GetValue(redis.Format)!, parse.InvocationConfiguration.Output, cancellationToken));
        watch.SetAction((parse, cancellationToken) =>
            WatchAsync(Connect(redis.Configuration(parse), parse.GetValue(redis.Timeout)), parse.InvocationConfiguration.Output, cancellationToken));

        var discovery = new Command("discovery", "Inspect the fleet's service registry on the coordination engine (Fleet:Coordination: Redis, Redis Sentinel or NATS).");
        discovery.Subcommands.Add(ls);
        discovery.Subcommands.Add(watch);
        return discovery;
    }

    private static ServiceProvider Connect(IConfiguration configuration, int timeoutMs)
    {
        // The engine comes from Fleet:Coordination (--redis and --nats lay over it): Redis reads the Redis registry,
        // NATS the engine's registry through discovery's own choice (Auto), in-process has nothing to ask.
        var engine = CoordinationSettings.Read(configuration).EffectiveEngine;
        if (engine == CoordinationEngine.InProcess)
        {
            throw new CliException("No coordination engine to ask: give --redis host:port or --nats nats://host:port, or set FLEET__COORDINATION__REDIS__CONNECTIONSTRING (or __SENTINELS) or FLEET__COORDINATION__NATS__SERVERS.");
        }

        var timeout = TimeSpan.FromMilliseconds(timeoutMs);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddFleetDiscovery(o =>
        {
            o.Provider = engine == CoordinationEngine.Redis ? DiscoveryProviderKind.Redis : DiscoveryProviderKind.Auto;
            o.ResolveTimeout = timeout;
        });
        services.AddFleetCoordination(o =>
        {
            o.Redis.ConnectTimeout = timeout;
            o.Nats.ConnectTimeout = timeout;
        });
        return services.BuildServiceProvider();
    }

    private static async Task<int> ListAsync(ServiceProvider services, string format, TextWriter output, CancellationToken cancellationToken)
    {
        await using (services.ConfigureAwait(false))
        {
            IReadOnlyList<ServiceInstance> instances;
            try
            {
                var provider = CoordinationSettings.Resolve(services.GetRequiredService<IDiscoveryProvider>);
                instances = await provider.FetchAllAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DiscoveryUnavailableException ex)
            {
                throw new CliException(ex.Message, ex, ExitCodes.Problems);
            }

            var now = TimeProvider.System.GetUtcNow();
            var rows = instances.OrderBy(i => i.ServiceName, StringComparer.Ordinal).ThenBy(i => i.InstanceId, StringComparer.Ordinal).ToList();
            if (format == "json")
            {
                var json = rows.Select(i => new
                {
                    service = i.ServiceName,
                    instance = i.InstanceId,
                    machine = i.Machine,
                    health = i.Health.ToString(),
                    version = i.Version,
                    heartbeat_age_seconds = i.LastHeartbeat is { } h ? Math.Round((now - h).TotalSeconds, 1) : (double?)null,
                    endpoints = i.Endpoints,
                    metadata = i.Metadata,
                });
                await output.WriteLineAsync(JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true })).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            if (rows.Count == 0)
            {
                await output.WriteLineAsync("No live instance is registered.").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var table = rows.Select(i => new[]
            {
                i.ServiceName, i.InstanceId, i.Machine, i.Health.ToString(),
                i.LastHeartbeat is { } h ? $"{(now - h).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}s" : "-",
                string.Join(' ', i.Endpoints.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}")),
            }).ToList();
            await TextTable.WriteAsync(output, ["SERVICE", "INSTANCE", "MACHINE", "HEALTH", "AGE", "ENDPOINTS"], table).ConfigureAwait(false);
            await output.WriteLineAsync($"{rows.Count} instance(s) of {rows.Select(r => r.ServiceName).Distinct().Count()} service(s).").ConfigureAwait(false);
            return ExitCodes.Success;
        }
    }

    private static async Task<int> WatchAsync(ServiceProvider services, TextWriter output, CancellationToken cancellationToken)
    {
        await using (services.ConfigureAwait(false))
        {
            var resolver = CoordinationSettings.Resolve(services.GetRequiredService<IServiceResolver>);
            try
            {
                await foreach (var change in resolver.WatchAsync(null, cancellationToken).ConfigureAwait(false))
                {
                    var time = TimeProvider.System.GetUtcNow().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
                    foreach (var (mark, list) in new[] { ("+", change.Added), ("-", change.Removed), ("~", change.Changed) })
                    {
                        foreach (var instance in list)
                        {
                            await output.WriteLineAsync($"{time} {mark} {instance.ServiceName}/{instance.InstanceId} on {instance.Machine} {instance.Health} {string.Join(' ', instance.Endpoints.Select(e => $"{e.Key}={e.Value}"))}").ConfigureAwait(false);
                        }
                    }

                    await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Success;
            }

            return ExitCodes.Success;
        }
    }
}
