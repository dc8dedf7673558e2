using System.Collections.Concurrent;
using System.Text.Json;
using Fleet.Sdk.Discovery;
using Fleet.Sdk.Messaging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Timeout;

namespace Fleet.Sdk.Hosting;

/// <summary>
/// Probes the agent's dependencies with <c>health_check</c>: at start-up until each answers or its
/// deadline passes, then every <see cref="FleetHostingOptions.DependencyCheckInterval"/>. The
/// endpoint comes from the dependency's options, else <c>Fleet:Messaging:Services</c>, else discovery.
/// </summary>
internal sealed partial class DependencyMonitor : IAsyncDisposable
{
    private readonly IReadOnlyList<AgentDependency> _dependencies;
    private readonly ConcurrentDictionary<string, AgentDependencyStatus> _status = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, AgentRpcClient> _clients = new(StringComparer.Ordinal);
    private readonly ZmqContext _context;
    private readonly FleetMessagingOptions _messaging;
    private readonly IServiceResolver? _resolver;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly CancellationTokenSource _stop = new();
    private readonly ResiliencePipeline<bool> _startupWait;
    private readonly ResiliencePipeline _probeTimeout;
    private Task _loop = Task.CompletedTask;
    private int _disposed;

    public DependencyMonitor(
        IReadOnlyList<AgentDependency> dependencies,
        ZmqContext context,
        FleetMessagingOptions messaging,
        IServiceResolver? resolver,
        TimeProvider time,
        ILoggerFactory? loggerFactory)
    {
        _dependencies = dependencies;
        _context = context;
        _messaging = messaging;
        _resolver = resolver;
        _time = time;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger("Fleet.Sdk.Hosting.Dependencies");
        _startupWait = DependencyResilience.StartupWait(time);
        _probeTimeout = DependencyResilience.ProbeTimeout(time);
        foreach (var dependency in dependencies)
        {
            _status[dependency.Name] = new AgentDependencyStatus(dependency.Name, dependency.Required, dependency.Timeout, false, dependency.Endpoint, "not probed yet", null);
        }
    }

    /// <summary>Raised when a dependency becomes available or unavailable.</summary>
    public event Action? Changed;

    public IReadOnlyList<AgentDependency> Dependencies => _dependencies;

    public IReadOnlyList<AgentDependencyStatus> Snapshot() =>
        _dependencies.Select(d => _status[d.Name]).ToList();

    /// <summary>Waits for every dependency in parallel, each until it answers or its deadline passes.</summary>
    public async Task WaitAllAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_dependencies.Select(d => WaitAsync(d, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>Starts probing every interval in the background.</summary>
    public void StartMonitoring(TimeSpan interval)
    {
        if (_dependencies.Count > 0)
        {
            _loop = MonitorAsync(interval, _stop.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _clients.Clear();
        _stop.Dispose();
    }

    private async Task WaitAsync(AgentDependency dependency, CancellationToken cancellationToken)
    {
        var context = DependencyResilience.WaitFor(_time, dependency.Timeout, cancellationToken);
        try
        {
            var answered = await _startupWait.ExecuteAsync(
                async context =>
                {
                    var remaining = DependencyResilience.Remaining(context, _time);
                    return await ProbeAsync(dependency, remaining < HostingConstants.ProbeTimeout ? remaining : HostingConstants.ProbeTimeout, context.CancellationToken).ConfigureAwait(false);
                },
                context).ConfigureAwait(false);
            if (!answered)
            {
                LogGaveUp(_logger, dependency.Name, dependency.Required ? "required" : "optional", dependency.Timeout.TotalSeconds, _status[dependency.Name].LastError ?? "no answer");
            }
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async Task MonitorAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(interval, _time, cancellationToken).ConfigureAwait(false);
            foreach (var dependency in _dependencies)
            {
                await ProbeAsync(dependency, HostingConstants.ProbeTimeout, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One <c>health_check</c>; records the outcome and returns whether the dependency answered.</summary>
    private async Task<bool> ProbeAsync(AgentDependency dependency, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string? endpoint = null;
        string? error;
        var context = DependencyResilience.WithProbeTimeout(timeout, cancellationToken);
        try
        {
            error = await _probeTimeout.ExecuteAsync(
                async context =>
                {
                    (endpoint, var client) = await ClientAsync(dependency, context.CancellationToken).ConfigureAwait(false);
                    var reply = await client.CallAsync(AgentRpcHandlers.HealthCheckAction, cancellationToken: context.CancellationToken).ConfigureAwait(false);
                    var status = reply.ValueKind == JsonValueKind.Object && reply.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                    return status is "unhealthy" or "draining" ? $"it answers health_check with status '{status}'" : null;
                },
                context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutRejectedException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            error = endpoint is null ? "discovery did not answer in time" : $"no answer to health_check from {endpoint} within {timeout.TotalSeconds:0.#} s";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Whatever a probe meets (unreachable, not in discovery, refused by the security
            // policy...) is the dependency's state, never a reason to stop probing.
            error = ex.Message;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        Record(dependency, endpoint, error);
        return error is null;
    }

    private async ValueTask<(string Endpoint, AgentRpcClient Client)> ClientAsync(AgentDependency dependency, CancellationToken cancellationToken)
    {
        if (dependency.Endpoint is { } configured)
        {
            return (configured, ProbeClient(dependency.Name, configured, serverKey: null));
        }

        if (_messaging.Services.TryGetValue(dependency.Name, out var service) && service.Endpoints.Count > 0)
        {
            return (service.Endpoints[0], ProbeClient(dependency.Name, service.Endpoints[0], service.ServerKey));
        }

        if (_resolver is null)
        {
            throw new KeyNotFoundException(
                $"no endpoint for '{dependency.Name}': set Fleet:Hosting:Dependencies:{dependency.Name}:Endpoint or Fleet:Messaging:Services:{dependency.Name}:Endpoints, or register discovery.");
        }

        var resolution = await _resolver.ResolveAsync(dependency.Name, cancellationToken).ConfigureAwait(false);
        var endpoint = resolution.IsEmpty ? null : resolution.Instances.Select(i => i.Endpoint("rpc")).FirstOrDefault(e => e is not null);
        if (endpoint is null)
        {
            throw new KeyNotFoundException($"no healthy instance of '{dependency.Name}' with an rpc endpoint in discovery ({resolution.Source}).");
        }

        string? serverKey = _messaging.Services.TryGetValue(dependency.Name, out var keyed) ? keyed.ServerKey : null;
        return (endpoint, ProbeClient(dependency.Name, endpoint, serverKey));
    }

    private AgentRpcClient ProbeClient(string name, string endpoint, string? serverKey) =>
        _clients.GetOrAdd($"{endpoint}|{serverKey}", _ =>
        {
            var options = new AgentRpcClientOptions
            {
                Timeout = HostingConstants.ProbeTimeout,
                MaxRetries = 0,
                ServerKey = serverKey,
            };
            options.Endpoints.Add(endpoint);
            return new AgentRpcClient(_context, options, _loggerFactory.CreateLogger<AgentRpcClient>());
        });

    private void Record(AgentDependency dependency, string? endpoint, string? error)
    {
        var previous = _status[dependency.Name];
        var now = _time.GetUtcNow();
        var next = previous with
        {
            Available = error is null,
            Endpoint = endpoint ?? previous.Endpoint,
            LastError = error,
            LastSeen = error is null ? now : previous.LastSeen,
        };
        _status[dependency.Name] = next;
        if (previous.Available != next.Available)
        {
            if (next.Available)
            {
                LogAvailable(_logger, dependency.Name, next.Endpoint ?? "?");
            }
            else if (previous.LastSeen is not null)
            {
                LogLost(_logger, dependency.Name, dependency.Required ? "required" : "optional", error ?? "no answer");
            }

            Changed?.Invoke();
        }
    }

    [LoggerMessage(EventId = 8020, Level = LogLevel.Information, Message = "Dependency {Dependency} is available at {Endpoint}.")]
    private static partial void LogAvailable(ILogger logger, string dependency, string endpoint);

    [LoggerMessage(EventId = 8021, Level = LogLevel.Warning, Message = "Dependency {Dependency} ({Kind}) did not answer within {TimeoutSeconds} s: {Error}")]
    private static partial void LogGaveUp(ILogger logger, string dependency, string kind, double timeoutSeconds, string error);

    [LoggerMessage(EventId = 8022, Level = LogLevel.Warning, Message = "Dependency {Dependency} ({Kind}) is lost: {Error}. The agent is degraded until it answers again.")]
    private static partial void LogLost(ILogger logger, string dependency, string kind, string error);
}
