using System.Diagnostics;
using System.Net;
using Fleet.Sdk.Config;
using Fleet.Sdk.Discovery;
using Fleet.Sdk.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Hosting;

/// <summary>
/// Runs the agent's life: after options are validated and the RPC server has bound (Messaging's
/// hosted service starts before this one), it opens the health port, registers in discovery, waits
/// for the dependencies, and reports ready (or degraded). On stop it drains, deregisters and closes
/// the health port; the RPC server then closes its socket with linger, and logs flush when the
/// host is disposed.
/// </summary>
internal sealed partial class FleetAgentHost : IHostedService, IFleetAgent, IAsyncDisposable
{
    private readonly IServiceProvider _services;
    private readonly FleetHostingOptions _options;
    private readonly RequestGate _gate;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HostingMetrics _metrics;
    private readonly object _stateLock = new();
    private DependencyMonitor? _dependencies;
    private HealthHttpServer? _http;
    private IServiceRegistration? _registration;
    private IReadOnlyList<string> _rpcEndpoints = [];
    private volatile AgentState _state = AgentState.Starting;
    private bool _adminDrained;
    private TimeSpan? _startupTime;

    public FleetAgentHost(
        IServiceProvider services,
        IOptions<FleetHostingOptions> options,
        RequestGate gate,
        HostingMetrics metrics,
        TimeProvider time,
        ILoggerFactory? loggerFactory = null)
    {
        _services = services;
        _options = options.Value;
        _gate = gate;
        _metrics = metrics;
        _time = time;
        _logger = (ILogger?)loggerFactory?.CreateLogger("Fleet.Sdk.Hosting.Agent") ?? NullLogger.Instance;
        ServiceName = AgentIdentity.ServiceName(services, _options);
        metrics.Observe(this);
    }

    public string ServiceName { get; }

    public AgentState State => _state;

    public IReadOnlyList<AgentDependencyStatus> Dependencies => _dependencies?.Snapshot() ?? [];

    public int InFlightRequests => _gate.InFlight;

    public IReadOnlyList<string> RpcEndpoints => _rpcEndpoints;

    public Uri? HealthAddress => _http?.Address;

    public TimeSpan? StartupTime => _startupTime;

    /// <summary>Gets a value indicating whether shutdown cancelled requests at its deadline.</summary>
    public bool ShutdownTimedOut { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            // 1. Options were validated (ValidateOnStart) and 2. the RPC server bound before this service starts.
            var messaging = _services.GetRequiredService<IOptions<FleetMessagingOptions>>().Value;
            if (messaging.Server.Endpoints.Count > 0)
            {
                _rpcEndpoints = _services.GetRequiredService<AgentRpcServer>().Endpoints.ToList();
            }

            await StartHttpAsync(cancellationToken).ConfigureAwait(false);

            // 3. Register (as warning: not ready yet), so that agents waiting for this one find it.
            await RegisterAsync(cancellationToken).ConfigureAwait(false);

            // 4. Dependencies, each with its deadline.
            _dependencies = new DependencyMonitor(
                AgentIdentity.Dependencies(_services, _options),
                _services.GetRequiredService<ZmqContext>(),
                messaging,
                _services.GetService<IServiceResolver>(),
                _time,
                _services.GetService<ILoggerFactory>());
            _metrics.Observe(_dependencies);
            await _dependencies.WaitAllAsync(cancellationToken).ConfigureAwait(false);
            var missing = _dependencies.Snapshot().Where(d => d.Required && !d.Available).ToList();
            if (missing.Count > 0)
            {
                throw new FleetAgentStartupException(
                    $"{ServiceName} cannot start: required {(missing.Count == 1 ? "dependency" : "dependencies")} " +
                    string.Join("; ", missing.Select(d => $"{d.Name} did not answer within {d.Timeout.TotalSeconds:0.#} s ({d.LastError})")) +
                    ". Start them first, or make them optional with Fleet:Hosting:Dependencies:<name>:Required=false (or required: false on that agent in the topology).",
                    missing);
            }

            // 5. Ready.
            _dependencies.Changed += OnDependenciesChanged;
            _dependencies.StartMonitoring(_options.DependencyCheckInterval);
            await UpdateStateAsync(cancellationToken).ConfigureAwait(false);
            using (var process = Process.GetCurrentProcess())
            {
                _startupTime = _time.GetUtcNow() - process.StartTime.ToUniversalTime();
            }

            var unavailable = _dependencies.Snapshot().Where(d => !d.Available).Select(d => d.Name).ToList();
            if (unavailable.Count == 0)
            {
                LogReady(_logger, ServiceName, _startupTime.Value.TotalMilliseconds, string.Join(", ", _rpcEndpoints), HealthAddress?.ToString() ?? "none");
            }
            else
            {
                LogReadyDegraded(_logger, ServiceName, _startupTime.Value.TotalMilliseconds, string.Join(", ", unavailable));
            }
        }
        catch
        {
            await CleanUpAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_state == AgentState.Stopped)
        {
            return;
        }

        LogStopping(_logger, ServiceName, _gate.InFlight, _options.ShutdownTimeout.TotalSeconds);
        _state = AgentState.Draining;
        await PublishHealthAsync(InstanceHealth.Critical, cancellationToken).ConfigureAwait(false);
        var idle = _gate.StartDrainingAsync();
        try
        {
            await idle.WaitAsync(_options.ShutdownTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            ShutdownTimedOut = true;
            LogDrainTimedOut(_logger, _gate.InFlight, _options.ShutdownTimeout.TotalSeconds);
        }

        await CleanUpAsync().ConfigureAwait(false);
        LogStopped(_logger, ServiceName);
    }

    public async Task DrainAsync(CancellationToken cancellationToken = default)
    {
        lock (_stateLock)
        {
            _adminDrained = true;
        }

        _state = AgentState.Draining;
        var idle = _gate.StartDrainingAsync();
        LogDrained(_logger, ServiceName, _gate.InFlight);
        await PublishHealthAsync(InstanceHealth.Critical, cancellationToken).ConfigureAwait(false);
        await idle.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task ResumeAsync()
    {
        lock (_stateLock)
        {
            if (!_adminDrained || _state == AgentState.Stopped)
            {
                return;
            }

            _adminDrained = false;
        }

        _gate.Resume();
        LogResumed(_logger, ServiceName);
        await UpdateStateAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await CleanUpAsync().ConfigureAwait(false);

    private async Task StartHttpAsync(CancellationToken cancellationToken)
    {
        var port = _options.HealthPort ?? _services.GetService<IOptions<FleetAgentOptions>>()?.Value.HealthPort;
        if (port is null)
        {
            LogNoHealthPort(_logger);
            return;
        }

        var configuration = _services.GetService<IConfiguration>();
        var address = _options.HealthAddress ?? configuration?["Fleet:Agent:Host"] ?? "127.0.0.1";
        var ip = address == "localhost" ? IPAddress.Loopback : IPAddress.Parse(address);
        _http = new HealthHttpServer(_services.GetRequiredService<AgentHttpEndpoints>());
        await _http.StartAsync(ip, port.Value, _services, _services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance, cancellationToken).ConfigureAwait(false);
    }

    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        var registrar = _services.GetService<IServiceRegistrar>();
        if (registrar is null || _rpcEndpoints.Count == 0)
        {
            return;
        }

        var endpoints = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["rpc"] = AgentIdentity.Advertised(_services, _rpcEndpoints[0]),
        };
        if (HealthAddress is { } health)
        {
            endpoints["health"] = AgentIdentity.Advertised(_services, health.GetLeftPart(UriPartial.Authority));
        }

        var instance = new ServiceInstance
        {
            ServiceName = ServiceName,
            InstanceId = _options.InstanceId ?? $"{AgentIdentity.Machine(_services)}-{Environment.ProcessId}",
            Machine = AgentIdentity.Machine(_services),
            Endpoints = endpoints,
            Version = typeof(FleetAgentHost).Assembly.GetName().Version?.ToString(),
            Health = InstanceHealth.Warning,
        };
        _registration = await registrar.RegisterAsync(instance, cancellationToken).ConfigureAwait(false);
    }

    private void OnDependenciesChanged()
    {
        _ = UpdateStateSafelyAsync();

        async Task UpdateStateSafelyAsync()
        {
            try
            {
                await UpdateStateAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogStateUpdateFailed(_logger, ex.Message);
            }
        }
    }

    private async Task UpdateStateAsync(CancellationToken cancellationToken)
    {
        AgentState next;
        lock (_stateLock)
        {
            if (_adminDrained || _state is AgentState.Stopped || (_state is AgentState.Draining && _gate.IsDraining))
            {
                return;
            }

            var all = _dependencies?.Snapshot() ?? [];
            next = all.All(d => d.Available) ? AgentState.Ready : AgentState.Degraded;
            if (next == _state)
            {
                return;
            }

            _state = next;
        }

        LogStateChanged(_logger, ServiceName, next);
        await PublishHealthAsync(next == AgentState.Ready ? InstanceHealth.Passing : InstanceHealth.Warning, cancellationToken).ConfigureAwait(false);
    }

    private async Task PublishHealthAsync(InstanceHealth health, CancellationToken cancellationToken)
    {
        if (_registration is { } registration)
        {
            try
            {
                await registration.SetHealthAsync(health, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The registry is retried at the next heartbeat.
            }
        }
    }

    private async Task CleanUpAsync()
    {
        _state = AgentState.Stopped;
        if (_dependencies is { } dependencies)
        {
            dependencies.Changed -= OnDependenciesChanged;
            await dependencies.DisposeAsync().ConfigureAwait(false);
        }

        if (Interlocked.Exchange(ref _registration, null) is { } registration)
        {
            await registration.DisposeAsync().ConfigureAwait(false);
        }

        if (_http is { } http)
        {
            await http.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "{Agent} is ready {StartupMs:0} ms after process start (rpc {Rpc}, health {Health}).")]
    private static partial void LogReady(ILogger logger, string agent, double startupMs, string rpc, string health);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Warning, Message = "{Agent} is ready but degraded {StartupMs:0} ms after process start: optional dependencies unavailable: {Missing}. It keeps probing them.")]
    private static partial void LogReadyDegraded(ILogger logger, string agent, double startupMs, string missing);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Information, Message = "{Agent} is now {State}.")]
    private static partial void LogStateChanged(ILogger logger, string agent, AgentState state);

    [LoggerMessage(EventId = 8004, Level = LogLevel.Information, Message = "{Agent} is stopping: refusing new requests, waiting up to {TimeoutSeconds} s for {InFlight} in flight.")]
    private static partial void LogStopping(ILogger logger, string agent, int inFlight, double timeoutSeconds);

    [LoggerMessage(EventId = 8005, Level = LogLevel.Warning, Message = "{InFlight} requests were still running at the shutdown deadline ({TimeoutSeconds} s, Fleet:Hosting:ShutdownTimeout); they are cancelled.")]
    private static partial void LogDrainTimedOut(ILogger logger, int inFlight, double timeoutSeconds);

    [LoggerMessage(EventId = 8006, Level = LogLevel.Information, Message = "{Agent} stopped: deregistered, health port closed.")]
    private static partial void LogStopped(ILogger logger, string agent);

    [LoggerMessage(EventId = 8007, Level = LogLevel.Information, Message = "{Agent} is drained by an operator: new requests are refused, {InFlight} in flight finish.")]
    private static partial void LogDrained(ILogger logger, string agent, int inFlight);

    [LoggerMessage(EventId = 8008, Level = LogLevel.Information, Message = "{Agent} is back in service.")]
    private static partial void LogResumed(ILogger logger, string agent);

    [LoggerMessage(EventId = 8009, Level = LogLevel.Information, Message = "No health port (set Fleet:Agent:HealthPort or Fleet:Hosting:HealthPort): health is served over ZeroMQ only.")]
    private static partial void LogNoHealthPort(ILogger logger);

    [LoggerMessage(EventId = 8010, Level = LogLevel.Warning, Message = "Updating the agent's state failed: {Error}")]
    private static partial void LogStateUpdateFailed(ILogger logger, string error);
}
