using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Discovery;

/// <summary>
/// Reports the coordination engine's reachability, this process's registrations and the age of the
/// cached views. Healthy when the registry answers and every registration is fresh; degraded while
/// Redis does not answer a PING, a registration or heartbeat fails (saying when its TTL lapsed and
/// other agents stopped seeing it), or resolutions are served from stale views; unhealthy once the
/// views are older than <c>Fleet:Discovery:MaxStaleness</c>. Each problem names the engine, its
/// endpoint and the configuration key to check.
/// </summary>
public sealed class DiscoveryHealthCheck : IHealthCheck
{
    private const string ConnectionStringKey = "Fleet:Discovery:Redis:ConnectionString";

    /// <summary>The longest a health check waits for Redis's PING: /health must answer quickly even when Redis hangs.</summary>
    private static readonly TimeSpan MaxPingTimeout = TimeSpan.FromSeconds(1);

    private readonly IServiceResolver _resolver;
    private readonly IOptions<FleetDiscoveryOptions> _options;
    private readonly ServiceRegistrar? _registrar;
    private readonly IFleetRedis? _redis;

    /// <summary>Initializes a new instance of the <see cref="DiscoveryHealthCheck"/> class that reports the resolver's view only.</summary>
    /// <param name="resolver">The resolver whose status is reported.</param>
    /// <param name="options">The discovery options.</param>
    public DiscoveryHealthCheck(IServiceResolver resolver, IOptions<FleetDiscoveryOptions> options)
        : this(resolver, options, registrar: null, redis: null)
    {
    }

    internal DiscoveryHealthCheck(IServiceResolver resolver, IOptions<FleetDiscoveryOptions> options, ServiceRegistrar? registrar, IFleetRedis? redis)
    {
        _resolver = resolver;
        _options = options;
        _registrar = registrar;
        _redis = redis;
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var options = _options.Value;
        var status = _resolver.Status;
        var endpoint = Endpoint(options.Redis.ConnectionString);
        var engine = _redis is null ? status.Provider : "redis";
        var data = new Dictionary<string, object>
        {
            ["provider"] = status.Provider,
            ["engine"] = engine,
            ["reachable"] = status.Reachable,
            ["cached_services"] = status.CachedServices,
            ["oldest_view_age_seconds"] = Math.Round(status.OldestViewAge.TotalSeconds, 1),
        };
        if (status.LastSuccess is { } lastSuccess)
        {
            data["last_success"] = lastSuccess.ToString("O", CultureInfo.InvariantCulture);
        }

        var result = HealthStatus.Healthy;
        var problems = new List<string>();
        if (!status.Reachable)
        {
            var stale = status.OldestViewAge > options.MaxStaleness;
            result = stale ? HealthStatus.Unhealthy : HealthStatus.Degraded;
            problems.Add(stale
                ? $"the {status.Provider} registry has been unreachable longer than Fleet:Discovery:MaxStaleness ({status.LastError})"
                : $"the {status.Provider} registry cannot be reached ({status.LastError}); serving last known views");
        }

        if (_redis is not null)
        {
            data["endpoint"] = endpoint;
            data["config_key"] = ConnectionStringKey;
            var timeout = options.Redis.OperationTimeout < MaxPingTimeout ? options.Redis.OperationTimeout : MaxPingTimeout;
            try
            {
                var roundTrip = await _redis.PingAsync(timeout, cancellationToken).ConfigureAwait(false);
                data["redis_reachable"] = true;
                data["redis_ping_ms"] = Math.Round(roundTrip.TotalMilliseconds, 1);
            }
            catch (DiscoveryUnavailableException ex)
            {
                data["redis_reachable"] = false;
                result = Worst(result, HealthStatus.Degraded);
                problems.Add($"the redis engine at {endpoint} does not answer a PING within {timeout.TotalMilliseconds:0} ms ({ex.Message.TrimEnd('.')}); check that redis-server runs there and {ConnectionStringKey}");
            }
        }

        if (_registrar?.Status is { } registrar)
        {
            data["registrations"] = registrar.Registrations;
            data["registrations_failing"] = registrar.Failing.Count;
            data["registration_lapsed"] = registrar.Failing.Any(f => f.TtlLapsed);
            foreach (var failing in registrar.Failing)
            {
                result = Worst(result, HealthStatus.Degraded);
                var since = failing.LastSuccess is { } last ? $"last heartbeat {last.ToString("O", CultureInfo.InvariantCulture)}" : "never registered";
                problems.Add(failing.TtlLapsed
                    ? $"the registration of {failing.Instance} in the {engine} registry{At(endpoint)} has lapsed ({since}, TTL Fleet:Discovery:Ttl = {registrar.Ttl.TotalSeconds:0.#} s): other agents no longer find it; it is retried at every heartbeat ({failing.Error})"
                    : $"the heartbeat of {failing.Instance} to the {engine} registry{At(endpoint)} failed ({since}); it is retried, and lapses after Fleet:Discovery:Ttl = {registrar.Ttl.TotalSeconds:0.#} s ({failing.Error})");
            }
        }

        if (result == HealthStatus.Healthy)
        {
            return HealthCheckResult.Healthy($"The {engine} registry{At(endpoint)} answers.", data);
        }

        var description = string.Join("; ", problems);
        description = char.ToUpperInvariant(description[0]) + description[1..] + ".";
        return new HealthCheckResult(result, description, data: data);
    }

    /// <summary>The servers of a StackExchange.Redis connection string, without its options (a password among them).</summary>
    private static string Endpoint(string? connectionString) =>
        string.Join(",", (connectionString ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(p => !p.Contains('=', StringComparison.Ordinal)));

    private static string At(string endpoint) => endpoint.Length == 0 ? string.Empty : $" at {endpoint}";

    private static HealthStatus Worst(HealthStatus a, HealthStatus b) => a < b ? a : b;
}
