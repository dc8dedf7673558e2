using System.Diagnostics;
using Fleet.Sdk.Security;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace Fleet.Sdk.Coordination;

/// <summary>
/// <see cref="IFleetNats"/> on one NATS.Net connection per service provider (one per process in an agent).
/// It connects on first use and keeps retrying in the background (never blocking start-up), pings the
/// server every <see cref="NatsCoordinationOptions.PingInterval"/> (1 s) so a silent link is noticed within
/// a few seconds, and reconnects to any server in the list for ever.
/// </summary>
internal sealed partial class FleetNatsConnection : IFleetNats, IAsyncDisposable, IDisposable
{
    private readonly NatsConnection _connection;
    private readonly NatsCoordinationOptions _options;
    private readonly CoordinationMetrics _metrics;
    private readonly ILogger _logger;
    private readonly string _endpointKey = CoordinationErrors.EndpointKey(CoordinationEngine.Nats, sentinel: false);

    public FleetNatsConnection(FleetCoordinationOptions options, ISecretStore secrets, string clientName, CoordinationMetrics metrics, ILoggerFactory loggerFactory)
    {
        _options = options.Nats;
        _metrics = metrics;
        _logger = loggerFactory.CreateLogger("Fleet.Sdk.Coordination.Nats");
        KeyPrefix = $"fleet-{options.FleetName}-";
        Endpoint = string.Join(',', _options.ServerList);
        var auth = NatsAuthOpts.Default;
        if (secrets.TryGetSecret(_options.PasswordSecret, out var password))
        {
            auth = _options.User is null ? auth with { Token = password } : auth with { Username = _options.User, Password = password };
        }

        _connection = new NatsConnection(NatsOpts.Default with
        {
            Url = Endpoint,
            Name = clientName,
            AuthOpts = auth,
            TlsOpts = _options.Tls ? new NatsTlsOpts { Mode = TlsMode.Require } : NatsTlsOpts.Default,
            ConnectTimeout = _options.ConnectTimeout,
            RequestTimeout = _options.OperationTimeout,
            CommandTimeout = _options.OperationTimeout,
            PingInterval = _options.PingInterval,
            MaxPingOut = _options.MaxPingsOut,
            MaxReconnectRetry = -1,
            ReconnectWaitMin = TimeSpan.FromMilliseconds(100),
            ReconnectWaitMax = TimeSpan.FromSeconds(2),
            RetryOnInitialConnect = true,
            LoggerFactory = loggerFactory,
        });
        _connection.ConnectionDisconnected += (_, e) =>
        {
            LogDisconnected(_logger, e.Message);
            return ValueTask.CompletedTask;
        };
        _connection.ConnectionOpened += (_, e) =>
        {
            LogConnected(_logger, _connection.ServerInfo?.Name ?? "?", e.Message);
            return ValueTask.CompletedTask;
        };
        JetStream = new NatsJSContext(_connection);
        KeyValue = new NatsKVContext(JetStream);
    }

    public CoordinationEngine Engine => CoordinationEngine.Nats;

    public string Endpoint { get; }

    public string KeyPrefix { get; }

    public bool IsConnected => _connection.ConnectionState == NatsConnectionState.Open;

    public INatsConnection Connection => _connection;

    public INatsJSContext JetStream { get; }

    public INatsKVContext KeyValue { get; }

    public int Replicas => _options.EffectiveReplicas;

    public TimeSpan OperationTimeout => _options.OperationTimeout;

    public Task<TimeSpan> PingAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        RunAsync("PING", ct => _connection.PingAsync(ct), timeout, cancellationToken);

    public async Task<T> RunAsync<T>(string what, Func<CancellationToken, ValueTask<T>> operation, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await operation(deadline.Token).AsTask().WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            _metrics.Operation(Engine, Stopwatch.GetElapsedTime(started));
            return result;
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or NatsTimeoutException or NatsJSTimeoutException or NatsNoReplyException or NatsJSApiNoResponseException or NatsJSPublishNoResponseException
                                   && !cancellationToken.IsCancellationRequested)
        {
            throw Failed(IsConnected
                ? CoordinationErrors.TimedOut(Engine, Endpoint, _endpointKey, what, timeout, ex)
                : CoordinationErrors.Unreachable(Engine, Endpoint, _endpointKey, $"{what}: not connected", ex));
        }
        catch (Exception ex) when (ex is NatsNoRespondersException or NatsConnectionFailedException or NatsJSConnectionException or ObjectDisposedException)
        {
            throw Failed(CoordinationErrors.Unreachable(Engine, Endpoint, _endpointKey, what, ex));
        }
        catch (NatsJSApiException ex) when (IsUnavailable(ex.Error.Code, ex.Error.ErrCode))
        {
            throw Failed(CoordinationErrors.Unreachable(Engine, Endpoint, _endpointKey, $"{what}: JetStream has no quorum or is not ready", ex));
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    public void Dispose() => _connection.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// JetStream API errors that mean "not now" rather than "no": 503 (JetStream not enabled or not ready),
    /// 10008 (cluster not available), 10074 (peer remap / no quorum) and 500s raised during a leader election.
    /// </summary>
    private static bool IsUnavailable(int code, int errCode) =>
        code is 503 or 504 || errCode is 10008 or 10074 or 10009 || (code == 500 && errCode == 10043);

    private CoordinationUnavailableException Failed(CoordinationUnavailableException error)
    {
        _metrics.Unavailable(Engine);
        return error;
    }
}
