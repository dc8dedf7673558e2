using System.Globalization;
using Fleet.Sdk.Coordination;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Discovery;

/// <summary>
/// Reports the coordination engine's reachability, this process's registrations and the age of the
/// cached views. Healthy when the registry answers and every registration is fresh; degraded while
/// the coordination engine does not answer a PING, a registration or heartbeat fails (saying when its TTL lapsed and
/// other agents stopped seeing it), or resolutions are served from stale views; unhealthy once the
/// views are older than <c>Fleet:Discovery:MaxStaleness</c>. Each problem names the engine, its
/// endpoint and the configuration key to check.
/// </summary>
public sealed class DiscoveryHealthCheck : IHealthCheck
{
    /// <summary>The longest a health check waits for the engine's PING: /health must answer quickly even when the engine hangs.</summary>
    private static readonly TimeSpan MaxPingTimeout = TimeSpan.FromSeconds(1);

    private readonly IServiceResolver _resolver;
    private readonly IOptions<FleetDiscoveryOptions> _options;
    private readonly ServiceRegistrar? _registrar;
    private readonly IFleetCoordination? _engine;

    /// <summary>Initializes a new instance of the <see cref="DiscoveryHealthCheck"/> class that reports the resolver's view only.</summary>
    /// <param name="resolver">The resolver whose status is reported.</param>
    /// <param name="options">The discovery options.</param>
    public DiscoveryHealthCheck(IServiceResolver resolver, IOptions<FleetDiscoveryOptions> options)
        : this(resolver, options, registrar: null, engine: null)
    {
    }

    internal DiscoveryHealthCheck(IServiceResolver resolver, IOptions<FleetDiscoveryOptions> options, ServiceRegistrar? registrar, IFleetCoordination? engine)
    {
        _resolver = resolver;
        _options = options;
        _registrar = registrar;
        _engine = engine;
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var options = _options.Value;
        var status = _resolver.Status;
        var endpoint = _engine?.Endpoint ?? string.Empty;
        var engine = _engine is null ? status.Provider : EngineName(_engine.Engine);
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

        if (_engine is not null)
        {
            data["endpoint"] = endpoint;
            var timeout = _engine.OperationTimeout < MaxPingTimeout ? _engine.OperationTimeout : MaxPingTimeout;
            try
            {
                var roundTrip = await _engine.PingAsync(timeout, cancellationToken).ConfigureAwait(false);
                data["engine_reachable"] = true;
                data["engine_ping_ms"] = Math.Round(roundTrip.TotalMilliseconds, 1);
            }
            catch (CoordinationUnavailableException ex)
            {
                data["engine_reachable"] = false;
                data["config_key"] = ex.ConfigurationKey ?? CoordinationConstants.SectionName;
                result = Worst(result, HealthStatus.Degraded);
                problems.Add($"the {engine} engine at {endpoint} does not answer a PING within {timeout.TotalMilliseconds:0} ms ({ex.Message.TrimEnd('.')})");
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

    private static string EngineName(CoordinationEngine engine) => engine == CoordinationEngine.Nats ? "nats" : "redis";

    private static string At(string endpoint) => endpoint.Length == 0 ? string.Empty : $" at {endpoint}";

    private static HealthStatus Worst(HealthStatus a, HealthStatus b) => a < b ? a : b;
}
