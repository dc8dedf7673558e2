using System.Diagnostics;
using Fleet.Sdk.Security;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Fleet.Sdk.Coordination;

/// <summary>
/// <see cref="IFleetRedis"/> on one StackExchange.Redis multiplexer per service provider (one per
/// process in an agent), connected lazily on a thread of its own, never aborting on a failed connect,
/// reconnecting by itself. With Sentinel it asks the sentinels for the master and follows it when it
/// switches. No caller's thread ever waits for the connection: each call waits at most its own
/// timeout, connection included, so concurrent first calls cannot starve the thread pool.
/// </summary>
internal sealed partial class FleetRedisConnection : IFleetRedis, IDisposable
{
    private readonly RedisCoordinationOptions _options;
    private readonly CoordinationMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Lazy<Task<ConnectionMultiplexer>> _multiplexer;
    private readonly string _endpointKey;

    public FleetRedisConnection(FleetCoordinationOptions options, ISecretStore secrets, string clientName, CoordinationMetrics metrics, ILogger logger)
    {
        _options = options.Redis;
        _metrics = metrics;
        _logger = logger;
        KeyPrefix = $"fleet:{options.FleetName}:";
        Endpoint = _options.Endpoint;
        _endpointKey = CoordinationErrors.EndpointKey(CoordinationEngine.Redis, _options.UsesSentinel);
        foreach (var (legacy, current) in options.LegacyKeysUsed)
        {
            LogLegacyKey(_logger, legacy, current);
        }

        // StackExchange.Redis's synchronous Connect is the one that returns a multiplexer which keeps retrying when
        // the server is down (AbortOnConnectFail off). It blocks for up to ConnectTimeout, so it runs on a thread of
        // its own, once; callers await it within their own timeouts and no pool thread ever waits for it.
        _multiplexer = new Lazy<Task<ConnectionMultiplexer>>(
            () => Task.Factory.StartNew(() => Connect(secrets, clientName), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default),
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public CoordinationEngine Engine => CoordinationEngine.Redis;

    public string Endpoint { get; }

    public string KeyPrefix { get; }

    public TimeSpan OperationTimeout => _options.OperationTimeout;

    public int MinReplicaAcks => _options.EffectiveMinReplicaAcks;

    public bool IsConnected => _multiplexer is { IsValueCreated: true, Value: { IsCompletedSuccessfully: true, Result.IsConnected: true } };

    public Task<RedisReply> EvaluateAsync(string script, IReadOnlyList<string> keys, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        EvaluateCoreAsync(script, keys, arguments, timeout, replicas: 0, cancellationToken);

    public Task<RedisReply> EvaluateReplicatedAsync(string script, IReadOnlyList<string> keys, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        EvaluateCoreAsync(script, keys, arguments, timeout, MinReplicaAcks, cancellationToken);

    public IDisposable Subscribe(string channel, Action<string> handler)
    {
        Action<RedisChannel, RedisValue> callback = (_, message) => handler(message.ToString());
        var redisChannel = RedisChannel.Literal(channel);
        return new Subscription(SubscribeAsync(redisChannel, callback), redisChannel, callback);
    }

    public async Task<TimeSpan> PingAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        try
        {
            return await RunAsync(m => m.GetDatabase().PingAsync()).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw Failed(TimedOut("PING", timeout, ex));
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException or ObjectDisposedException)
        {
            throw Failed(CoordinationErrors.Unreachable(Engine, Endpoint, _endpointKey, "PING", ex));
        }
    }

    public void Dispose()
    {
        if (!_multiplexer.IsValueCreated)
        {
            return;
        }

        // A connection still being made is closed as soon as it is made.
        _ = _multiplexer.Value.ContinueWith(
            static t => t.Result.Dispose(),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task<RedisReply> EvaluateCoreAsync(string script, IReadOnlyList<string> keys, IReadOnlyList<string> arguments, TimeSpan timeout, int replicas, CancellationToken cancellationToken)
    {
        var redisKeys = keys.Select(k => (RedisKey)k).ToArray();
        var values = arguments.Select(a => (RedisValue)a).ToArray();
        var started = Stopwatch.GetTimestamp();
        RedisReply reply;
        try
        {
            var multiplexer = await _multiplexer.Value.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            var database = multiplexer.GetDatabase();
            var result = await database.ScriptEvaluateAsync(script, redisKeys, values).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            reply = Convert(result);
            if (replicas > 0)
            {
                // WAIT covers every write this connection made so far, the script's included; it blocks this
                // connection for at most ReplicaAckTimeout when replicas are missing.
                var waitMs = (long)_options.ReplicaAckTimeout.TotalMilliseconds;
                var confirmed = await database.ExecuteAsync("WAIT", replicas, waitMs)
                    .WaitAsync(_options.ReplicaAckTimeout + timeout, cancellationToken).ConfigureAwait(false);
                if ((long)confirmed < replicas)
                {
                    _metrics.ReplicaAckShortfall();
                    throw CoordinationErrors.NotReplicated(Endpoint, "Fleet:Coordination:Redis:MinReplicaAcks", replicas, (long)confirmed, _options.ReplicaAckTimeout);
                }
            }
        }
        catch (CoordinationUnavailableException ex)
        {
            throw Failed(ex);
        }
        catch (TimeoutException ex)
        {
            throw Failed(TimedOut("a script", timeout, ex));
        }
        catch (RedisServerException ex) when (IsTransient(ex.Message))
        {
            throw Failed(CoordinationErrors.Unreachable(Engine, Endpoint, _endpointKey, "the server is loading, busy, read-only or failing over", ex));
        }
        catch (RedisServerException ex)
        {
            throw new InvalidOperationException($"Redis refused a Fleet.Sdk script: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException or ObjectDisposedException)
        {
            throw Failed(CoordinationErrors.Unreachable(Engine, Endpoint, _endpointKey, "a script", ex));
        }

        _metrics.Operation(Engine, Stopwatch.GetElapsedTime(started));
        return reply;
    }

    /// <summary>Errors a master gives while it is not (yet, or no longer) able to take the write: after a restart, during a failover.</summary>
    private static bool IsTransient(string message) =>
        message.StartsWith("LOADING", StringComparison.Ordinal)
        || message.StartsWith("BUSY", StringComparison.Ordinal)
        || message.StartsWith("READONLY", StringComparison.Ordinal)
        || message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
        || message.StartsWith("NOREPLICAS", StringComparison.Ordinal)
        || message.StartsWith("TRYAGAIN", StringComparison.Ordinal);

    private CoordinationUnavailableException Failed(CoordinationUnavailableException error)
    {
        _metrics.Unavailable(Engine);
        return error;
    }

    /// <summary>A call that ran out of time: while no connection is up, that is Redis being unreachable, and the error says where to look.</summary>
    private CoordinationUnavailableException TimedOut(string what, TimeSpan timeout, TimeoutException ex) =>
        !_multiplexer.Value.IsCompletedSuccessfully
            ? CoordinationErrors.Unreachable(Engine, Endpoint, _endpointKey, $"still connecting after {timeout.TotalMilliseconds:0} ms", null)
            : _multiplexer.Value.Result.IsConnected
                ? CoordinationErrors.TimedOut(Engine, Endpoint, _endpointKey, what, timeout, ex)
                : CoordinationErrors.Unreachable(Engine, Endpoint, _endpointKey, $"{what}: no connection after {timeout.TotalMilliseconds:0} ms", ex);

    private async Task<T> RunAsync<T>(Func<ConnectionMultiplexer, Task<T>> operation)
    {
        var multiplexer = await _multiplexer.Value.ConfigureAwait(false);
        return await operation(multiplexer).ConfigureAwait(false);
    }

    private async Task<ISubscriber> SubscribeAsync(RedisChannel channel, Action<RedisChannel, RedisValue> callback)
    {
        var subscriber = (await _multiplexer.Value.ConfigureAwait(false)).GetSubscriber();
        try
        {
            // Subscribing needs no live connection: StackExchange.Redis re-subscribes on every reconnect.
            await subscriber.SubscribeAsync(channel, callback).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException or RedisServerException or ObjectDisposedException)
        {
            LogSubscribeFailed(_logger, channel.ToString(), ex.Message);
        }

        return subscriber;
    }

    private ConnectionMultiplexer Connect(ISecretStore secrets, string clientName)
    {
        var configuration = new ConfigurationOptions();
        if (_options.UsesSentinel)
        {
            // Sentinel endpoints plus a service name: the multiplexer asks the sentinels for the master, connects
            // to it, and reconfigures itself when Sentinel announces a new one (+switch-master), with no restart.
            foreach (var sentinel in _options.Sentinels!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                configuration.EndPoints.Add(sentinel);
            }

            configuration.ServiceName = _options.ServiceName;
            configuration.CommandMap = CommandMap.Sentinel;
        }
        else
        {
            configuration = ConfigurationOptions.Parse(_options.ConnectionString ?? string.Empty);
        }

        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = (int)_options.ConnectTimeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)Math.Max(_options.ConnectTimeout.TotalMilliseconds, _options.OperationTimeout.TotalMilliseconds);
        configuration.AsyncTimeout = configuration.SyncTimeout;
        configuration.ConnectRetry = 1;
        configuration.KeepAlive = 5;
        configuration.ClientName = new string(clientName.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.').ToArray());
        configuration.Ssl = _options.Tls;
        if (secrets.TryGetSecret(_options.PasswordSecret, out var password))
        {
            configuration.Password = password;
        }

        var watch = Stopwatch.StartNew();
        var multiplexer = _options.UsesSentinel
            ? ConnectionMultiplexer.SentinelConnect(configuration).GetSentinelMasterConnection(MasterConfiguration(configuration))
            : ConnectionMultiplexer.Connect(configuration);
        multiplexer.ConnectionFailed += (_, e) => LogConnectionFailed(_logger, e.EndPoint?.ToString() ?? "?", e.FailureType.ToString(), e.Exception?.Message ?? string.Empty);
        multiplexer.ConnectionRestored += (_, e) => LogConnectionRestored(_logger, e.EndPoint?.ToString() ?? "?");
        multiplexer.ConfigurationChangedBroadcast += (_, e) => LogMasterChanged(_logger, e.EndPoint?.ToString() ?? "?");
        LogConnecting(_logger, Endpoint, multiplexer.IsConnected, watch.ElapsedMilliseconds);
        return multiplexer;
    }

    /// <summary>The options for the master connection Sentinel hands out: the sentinel options without the sentinel command map.</summary>
    private static ConfigurationOptions MasterConfiguration(ConfigurationOptions sentinel)
    {
        var master = sentinel.Clone();
        master.CommandMap = CommandMap.Default;
        return master;
    }

    private static RedisReply Convert(RedisResult result)
    {
        if (result.IsNull)
        {
            return RedisReply.Nil;
        }

        return result.Resp2Type switch
        {
            ResultType.Array => RedisReply.FromArray(((RedisResult[])result!).Select(Convert).ToArray()),
            ResultType.Integer => RedisReply.FromInteger((long)result),
            ResultType.Error => RedisReply.FromError(result.ToString() ?? string.Empty),
            _ => RedisReply.FromText(result.ToString() ?? string.Empty),
        };
    }

    private sealed class Subscription(Task<ISubscriber> subscribed, RedisChannel channel, Action<RedisChannel, RedisValue> callback) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _ = UnsubscribeAsync();
            }
        }

        private async Task UnsubscribeAsync()
        {
            try
            {
                var subscriber = await subscribed.ConfigureAwait(false);
                await subscriber.UnsubscribeAsync(channel, callback).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException or ObjectDisposedException or ArgumentException)
            {
                // Unsubscribing from a dead connection fails, and one that was never made (a bad connection
                // string, already reported) has nothing to undo: the subscription dies with it, which is the goal.
                return;
            }
        }
    }
}
