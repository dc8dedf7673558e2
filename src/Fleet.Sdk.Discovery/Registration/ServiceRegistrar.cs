using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Discovery;

/// <summary>The default <see cref="IServiceRegistrar"/>: one owner token per process, one heartbeat loop per registration.</summary>
/// <remarks>
/// Disposed with its service provider (when the host shuts down), it deregisters every instance
/// still registered through it: graceful shutdown removes the agent from every view at once
/// instead of after its TTL.
/// </remarks>
internal sealed partial class ServiceRegistrar : IServiceRegistrar, IAsyncDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Registration, byte> _live = new();
    private readonly string _owner = Guid.NewGuid().ToString("N");
    private readonly IDiscoveryProvider _provider;
    private readonly FleetDiscoveryOptions _options;
    private readonly TimeSpan _operationTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ServiceRegistrar(IDiscoveryProvider provider, FleetDiscoveryOptions options, TimeSpan operationTimeout, TimeProvider time, ILogger logger)
    {
        _provider = provider;
        _options = options;
        _operationTimeout = operationTimeout;
        _time = time;
        _logger = logger;
    }

    /// <summary>Gets the token this process registers with (tests use it to act as the owner).</summary>
    internal string OwnerToken => _owner;

    /// <summary>Gets the registrations whose last attempt failed, and whether their TTL has lapsed since their last success (for the health check).</summary>
    internal RegistrarStatus Status
    {
        get
        {
            var now = _time.GetUtcNow();
            var failing = _live.Keys
                .Where(r => !r.IsRegistered)
                .Select(r => new FailingRegistration(r.Instance.ToString(), r.LastError, r.LastSuccess, r.LastSuccess is not { } last || now - last >= _options.Ttl))
                .ToList();
            return new RegistrarStatus(_live.Count, failing, _options.Ttl);
        }
    }

    public async Task<IServiceRegistration> RegisterAsync(ServiceInstance instance, CancellationToken cancellationToken = default)
    {
        ServiceNames.Validate(instance);
        var registration = new Registration(this, instance);
        _live.TryAdd(registration, 0);
        await registration.BeatAsync(cancellationToken).ConfigureAwait(false);
        registration.Start();
        return registration;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var registration in _live.Keys)
        {
            await registration.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 6030, Level = LogLevel.Information, Message = "Registered {Instance} with the {Provider} registry (TTL {TtlSeconds} s, heartbeat every {HeartbeatSeconds} s).")]
    private static partial void LogRegistered(ILogger logger, string instance, string provider, double ttlSeconds, double heartbeatSeconds);

    [LoggerMessage(EventId = 6031, Level = LogLevel.Warning, Message = "Registration of {Instance} failed: {Error} Retrying at every heartbeat; the agent keeps running.")]
    private static partial void LogRegistrationFailed(ILogger logger, string instance, string error);

    [LoggerMessage(EventId = 6032, Level = LogLevel.Information, Message = "Deregistered {Instance}.")]
    private static partial void LogDeregistered(ILogger logger, string instance);

    [LoggerMessage(EventId = 6033, Level = LogLevel.Warning, Message = "Deregistering {Instance} failed: {Error} Its registration expires by itself after the TTL.")]
    private static partial void LogDeregisterFailed(ILogger logger, string instance, string error);

    [LoggerMessage(EventId = 6034, Level = LogLevel.Information, Message = "{Instance} is now {Health}.")]
    private static partial void LogHealthChanged(ILogger logger, string instance, InstanceHealth health);

    private sealed class Registration(ServiceRegistrar registrar, ServiceInstance instance) : IServiceRegistration
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private readonly CancellationTokenSource _stop = new();
        private ServiceInstance _instance = instance;
        private volatile string? _lastError;
        private long _lastSuccessTicks;
        private volatile bool _registered;
        private bool _everRegistered;
        private Task _loop = Task.CompletedTask;
        private int _disposed;

        public ServiceInstance Instance => _instance;

        public bool IsRegistered => _registered;

        public string? LastError => _lastError;

        public DateTimeOffset? LastSuccess =>
            Interlocked.Read(ref _lastSuccessTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

        public void Start() => _loop = LoopAsync();

        public async Task SetHealthAsync(InstanceHealth health, CancellationToken cancellationToken = default)
        {
            _instance = _instance with { Health = health };
            LogHealthChanged(registrar._logger, _instance.ToString(), health);
            await BeatAsync(cancellationToken).ConfigureAwait(false);
        }

        public async Task BeatAsync(CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (Volatile.Read(ref _disposed) == 1)
                {
                    return;
                }

                await registrar._provider.RegisterAsync(_instance, registrar._owner, registrar._options.Ttl, cancellationToken).ConfigureAwait(false);
                if (!_registered)
                {
                    LogRegistered(registrar._logger, _instance.ToString(), registrar._provider.Name, registrar._options.Ttl.TotalSeconds, registrar._options.EffectiveHeartbeat.TotalSeconds);
                }

                Interlocked.Exchange(ref _lastSuccessTicks, registrar._time.GetUtcNow().UtcTicks);
                _registered = true;
                _everRegistered = true;
                _lastError = null;
            }
            catch (Exception ex) when (ex is DiscoveryUnavailableException or RegistrationConflictException)
            {
                // Logged once per outage, not at every heartbeat.
                if (_registered || !_everRegistered && _lastError is null)
                {
                    LogRegistrationFailed(registrar._logger, _instance.ToString(), ex.Message);
                }

                _registered = false;
                _lastError = ex.Message;
            }
            finally
            {
                _gate.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            registrar._live.TryRemove(this, out _);
            await _stop.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(false);
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                using var timeout = new CancellationTokenSource(registrar._operationTimeout);
                await registrar._provider.DeregisterAsync(_instance.ServiceName, _instance.InstanceId, registrar._owner, timeout.Token).ConfigureAwait(false);
                LogDeregistered(registrar._logger, _instance.ToString());
            }
            catch (Exception ex) when (ex is DiscoveryUnavailableException or RegistrationConflictException or OperationCanceledException)
            {
                LogDeregisterFailed(registrar._logger, _instance.ToString(), ex.Message);
            }
            finally
            {
                _registered = false;
                _gate.Release();
                _stop.Dispose();
            }
        }

        private async Task LoopAsync()
        {
            var interval = registrar._options.EffectiveHeartbeat;
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    await Task.Delay(interval, registrar._time, _stop.Token).ConfigureAwait(false);
                    await BeatAsync(_stop.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Disposed: DisposeAsync deregisters.
            }
        }
    }
}
