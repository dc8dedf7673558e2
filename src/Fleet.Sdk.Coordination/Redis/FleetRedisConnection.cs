using System.Diagnostics;
using Fleet.Sdk.Security;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Fleet.Sdk.Coordination;

/// <summary>
/// <see cref="IFleetRedis"/> on one StackExchange.Redis multiplexer per service provider (one per
/// process in an agent), connected lazily on a thread of its own, never aborting on a failed connect,
/// reconnecting by itself. With Sentinel it asks the sentinels for the master and follows it when it
/// switches (Sentinel's <c>+switch-master</c>, or a write refused as READONLY, makes it reconfigure at
/// once); a Sentinel connect that found no master is retried on a later call. No caller's thread ever
/// waits for the connection: each call waits at most its own timeout, connection included, so
/// concurrent first calls cannot starve the thread pool.
/// </summary>
internal sealed partial class FleetRedisConnection : IFleetRedis, IDisposable
{
    /// <summary>How long a failed Sentinel connect is reported before the next call tries again.</summary>
    private static readonly TimeSpan RetryConnectAfter = TimeSpan.FromMilliseconds(500);

    /// <summary>How often, at most, a call that found no server to write to makes the connection look for the master again.</summary>
    private static readonly TimeSpan RefollowAfter = TimeSpan.FromMilliseconds(500);

    private readonly RedisCoordinationOptions _options;
    private readonly CoordinationMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ISecretStore _secrets;
    private readonly string _clientName;
    private readonly AddressMapTunnel? _tunnel;
    private readonly Lock _gate = new();
    private readonly string _endpointKey;
    private Task<RedisLink>? _link;
    private long _failedAt;
    private long _refollowedAt;
    private bool _disposed;

    public FleetRedisConnection(FleetCoordinationOptions options, ISecretStore secrets, string clientName, CoordinationMetrics metrics, ILogger logger)
    {
        _options = options.Redis;
        _metrics = metrics;
        _logger = logger;
        KeyPrefix = $"fleet:{options.FleetName}:";
        Endpoint = _options.Endpoint;
        _endpointKey = CoordinationErrors.EndpointKey(CoordinationEngine.Redis, _options.HasSentinels);
        _secrets = secrets;
        _clientName = clientName;
        _tunnel = AddressMapTunnel.Parse(_options.AddressMap);
        foreach (var (legacy, current) in options.LegacyKeysUsed)
        {
            LogLegacyKey(_logger, legacy, current);
        }
    }

    public CoordinationEngine Engine => CoordinationEngine.Redis;

    public string Endpoint { get; }

    public string KeyPrefix { get; }

    public TimeSpan OperationTimeout => _options.OperationTimeout;

    public int MinReplicaAcks => _options.EffectiveMinReplicaAcks;

    /// <summary>Gets the master connection once it is made (for tests that reach into StackExchange.Redis's state).</summary>
    internal ConnectionMultiplexer? Multiplexer => _link is { IsCompletedSuccessfully: true } link ? link.Result.Master : null;

    public bool IsConnected => _link is { IsCompletedSuccessfully: true, Result.Master.IsConnected: true };

    public Task<RedisReply> EvaluateAsync(string script, IReadOnlyList<string> keys, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        EvaluateCoreAsync(script, keys, arguments, timeout, replicas: 0, cancellationToken);

    public Task<RedisReply> EvaluateReplicatedAsync(string script, IReadOnlyList<string> keys, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        EvaluateCoreAsync(script, keys, arguments, timeout, MinReplicaAcks, cancellationToken);

    /// <summary>
    /// The script and its WAIT as one batch: StackExchange.Redis sends a batch contiguously on one connection, so
    /// the WAIT counts exactly the connection that ran the script. A failover or reconnect in between fails the
    /// WAIT instead of letting a fresh connection (with nothing to wait for) confirm it. The script goes as EVAL,
    /// so a new master that never saw it cannot answer NOSCRIPT.
    /// </summary>
    private async Task<RedisResult> EvaluateAndWaitAsync(IDatabase database, string script, RedisKey[] keys, RedisValue[] values, int replicas, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waitMs = (long)_options.ReplicaAckTimeout.TotalMilliseconds;
        var evalArguments = new List<object>(2 + keys.Length + values.Length) { script, keys.Length };
        evalArguments.AddRange(keys.Cast<object>());
        evalArguments.AddRange(values.Cast<object>());
        var batch = database.CreateBatch();
        var evaluated = batch.ExecuteAsync("EVAL", evalArguments, CommandFlags.DemandMaster);
        var waited = batch.ExecuteAsync("WAIT", [replicas, waitMs], CommandFlags.DemandMaster);
        batch.Execute();

        // Whatever happens to the script, the WAIT's outcome is observed (no unobserved task exceptions).
        _ = waited.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var result = await evaluated.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        var confirmed = await waited.WaitAsync(_options.ReplicaAckTimeout + timeout, cancellationToken).ConfigureAwait(false);
        if ((long)confirmed < replicas)
        {
            _metrics.ReplicaAckShortfall();
            throw CoordinationErrors.NotReplicated(Endpoint, "Fleet:Coordination:Redis:MinReplicaAcks", replicas, (long)confirmed, _options.ReplicaAckTimeout);
        }

        return result;
    }

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
        catch (Exception ex) when (IsConnectionLost(ex, cancellationToken))
        {
            throw Failed(CoordinationErrors.Unreachable(Engine, Endpoint, _endpointKey, "PING", ex));
        }
    }

    public void Dispose()
    {
        Task<RedisLink>? link;
        lock (_gate)
        {
            _disposed = true;
            link = _link;
        }

        // A connection still being made is closed as soon as it is made.
        _ = link?.ContinueWith(
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
            var link = await LinkAsync().WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            var database = link.Master.GetDatabase();

            // A plain script goes as EVALSHA (StackExchange.Redis loads it again on NOSCRIPT, after a restart or a
            // failover); a replicated one goes with its WAIT (which blocks the connection for at most ReplicaAckTimeout).
            var result = replicas > 0
                ? await EvaluateAndWaitAsync(database, script, redisKeys, values, replicas, timeout, cancellationToken).ConfigureAwait(false)
                : await database.ScriptEvaluateAsync(script, redisKeys, values).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            reply = Convert(result);
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
            if (IsReadOnly(ex.Message))
            {
                // The server this connection takes for the master was demoted: look again now, not at the next check.
                FollowMaster("a write was refused as READONLY");
            }

            throw Failed(CoordinationErrors.Unreachable(Engine, Endpoint, _endpointKey, "the server is loading, busy, read-only or failing over", ex));
        }
        catch (RedisServerException ex)
        {
            throw new InvalidOperationException($"Redis refused a Fleet.Sdk script: {ex.Message}", ex);
        }
        catch (Exception ex) when (IsConnectionLost(ex, cancellationToken))
        {
            if (ex is RedisConnectionException { FailureType: ConnectionFailureType.UnableToResolvePhysicalConnection })
            {
                RefollowMaster();
            }

            throw Failed(CoordinationErrors.Unreachable(Engine, Endpoint, _endpointKey, "a script", ex));
        }

        _metrics.Operation(Engine, Stopwatch.GetElapsedTime(started));
        return reply;
    }

    /// <summary>
    /// Failures of the connection itself. Besides StackExchange.Redis's own, a connection torn down mid-call (a
    /// failover, a cut link) can surface as a cancelled task nobody asked to cancel or as System.IO.Pipelines'
    /// "reading is not allowed after reader was completed" (seen in the Sentinel partition tests).
    /// </summary>
    private static bool IsConnectionLost(Exception ex, CancellationToken cancellationToken) =>
        ex is RedisConnectionException or RedisTimeoutException or ObjectDisposedException or InvalidOperationException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    /// <summary>Errors a master gives while it is not (yet, or no longer) able to take the write: after a restart, during a failover.</summary>
    private static bool IsTransient(string message) =>
        message.StartsWith("LOADING", StringComparison.Ordinal)
        || message.StartsWith("BUSY", StringComparison.Ordinal)
        || IsReadOnly(message)
        || message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
        || message.StartsWith("NOREPLICAS", StringComparison.Ordinal)
        || message.StartsWith("TRYAGAIN", StringComparison.Ordinal);

    /// <summary>
    /// A write refused by a replica: <c>READONLY ...</c> for a command, and, for a script that writes, Redis's
    /// <c>ERR Error running script ... -READONLY You can't write against a read only replica</c>.
    /// </summary>
    private static bool IsReadOnly(string message) => message.Contains("READONLY", StringComparison.Ordinal);

    private CoordinationUnavailableException Failed(CoordinationUnavailableException error)
    {
        _metrics.Unavailable(Engine);
        return error;
    }

    /// <summary>A call that ran out of time: while no connection is up, that is Redis being unreachable, and the error says where to look.</summary>
    private CoordinationUnavailableException TimedOut(string what, TimeSpan timeout, TimeoutException ex) =>
        _link is not { IsCompletedSuccessfully: true } link
            ? CoordinationErrors.Unreachable(Engine, Endpoint, _endpointKey, $"still connecting after {timeout.TotalMilliseconds:0} ms", null)
            : link.Result.Master.IsConnected
                ? CoordinationErrors.TimedOut(Engine, Endpoint, _endpointKey, what, timeout, ex)
                : CoordinationErrors.Unreachable(Engine, Endpoint, _endpointKey, $"{what}: no connection after {timeout.TotalMilliseconds:0} ms", ex);

    private async Task<T> RunAsync<T>(Func<ConnectionMultiplexer, Task<T>> operation)
    {
        var link = await LinkAsync().ConfigureAwait(false);
        return await operation(link.Master).ConfigureAwait(false);
    }

    /// <summary>
    /// The connection, made on first use on a thread of its own: StackExchange.Redis's synchronous Connect is the
    /// one that returns a multiplexer which keeps retrying when the server is down (AbortOnConnectFail off), and it
    /// blocks for up to ConnectTimeout, so no pool thread waits for it. A Sentinel connect fails when no sentinel
    /// names a reachable master; that failure is kept for <see cref="RetryConnectAfter"/>, then a call tries again.
    /// </summary>
    private Task<RedisLink> LinkAsync()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_link is { IsFaulted: true } && Stopwatch.GetElapsedTime(Volatile.Read(ref _failedAt)) >= RetryConnectAfter)
            {
                _link = null;
            }

            return _link ??= Task.Factory.StartNew(ConnectOrRecordFailure, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    private RedisLink ConnectOrRecordFailure()
    {
        try
        {
            return Connect();
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            Volatile.Write(ref _failedAt, Stopwatch.GetTimestamp());
            LogConnectFailed(_logger, Endpoint, ex.Message, (long)RetryConnectAfter.TotalMilliseconds);
            throw;
        }
    }

    /// <summary>Makes the multiplexer look for the master now (a failover was announced or a write hit a demoted master).</summary>
    internal Task FollowMasterAsync(string reason)
    {
        if (_link is not { IsCompletedSuccessfully: true } link || !_options.UsesSentinel)
        {
            return Task.CompletedTask;
        }

        LogFollowingMaster(_logger, reason);
        return ReconfigureAsync(link.Result.Master);
    }

    private void FollowMaster(string reason) => _ = FollowMasterAsync(reason);

    /// <summary>
    /// A write found no server to go to. That is normal while the master is down, but it also happens when a
    /// reconfiguration ran while two servers claimed to be master (a restarted old master, until Sentinel turns it
    /// into a replica): StackExchange.Redis then keeps the one it did not elect out of use until it reconfigures
    /// again, which nothing else triggers once the other became a replica. Looking again, at most every
    /// <see cref="RefollowAfter"/>, ends that as soon as there is one master.
    /// </summary>
    private void RefollowMaster()
    {
        var last = Volatile.Read(ref _refollowedAt);
        if (!_options.UsesSentinel
            || (last != 0 && Stopwatch.GetElapsedTime(last) < RefollowAfter)
            || Interlocked.CompareExchange(ref _refollowedAt, Stopwatch.GetTimestamp(), last) != last
            || _link is not { IsCompletedSuccessfully: true } link)
        {
            return;
        }

        LogRefollowingMaster(_logger, (long)RefollowAfter.TotalMilliseconds);
        _ = ReconfigureAsync(link.Result.Master);
    }

    private async Task ReconfigureAsync(ConnectionMultiplexer master)
    {
        try
        {
            await master.ConfigureAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException or ObjectDisposedException)
        {
            LogReconfigureFailed(_logger, ex.Message);
        }
    }

    private async Task<ISubscriber> SubscribeAsync(RedisChannel channel, Action<RedisChannel, RedisValue> callback)
    {
        var subscriber = (await LinkAsync().ConfigureAwait(false)).Master.GetSubscriber();
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

    private RedisLink Connect()
    {
        var configuration = new ConfigurationOptions();
        if (_options.HasSentinels)
        {
            // Sentinel endpoints plus a service name: the multiplexer asks the sentinels for the master, connects
            // to it, and reconfigures itself when Sentinel announces a new one (+switch-master), with no restart.
            foreach (var sentinel in _options.Sentinels!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                configuration.EndPoints.Add(sentinel);
            }

            configuration.ServiceName = _options.ServiceName;
        }
        else
        {
            // A StackExchange.Redis string may name sentinels with serviceName=: that is Sentinel too.
            configuration = ConfigurationOptions.Parse(_options.ConnectionString ?? string.Empty);
        }

        var sentinelMode = !string.IsNullOrEmpty(configuration.ServiceName);
        if (sentinelMode)
        {
            configuration.CommandMap = CommandMap.Sentinel;
        }

        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = (int)_options.ConnectTimeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)Math.Max(_options.ConnectTimeout.TotalMilliseconds, _options.OperationTimeout.TotalMilliseconds);
        configuration.AsyncTimeout = configuration.SyncTimeout;
        configuration.ConnectRetry = 1;
        configuration.KeepAlive = 5;
        configuration.ClientName = new string(_clientName.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.').ToArray());
        configuration.Ssl = _options.Tls;
        configuration.Tunnel = _tunnel;
        if (_secrets.TryGetSecret(_options.PasswordSecret, out var password))
        {
            configuration.Password = password;
        }

        var watch = Stopwatch.StartNew();
        RedisLink link;
        if (sentinelMode)
        {
            var sentinels = ConnectionMultiplexer.SentinelConnect(configuration);
            try
            {
                var master = sentinels.GetSentinelMasterConnection(MasterConfiguration(configuration));
                link = new RedisLink(master, sentinels);

                // StackExchange.Redis switches on +switch-master only when the new master is not already among its
                // endpoints (a promoted replica is): reconfiguring here makes the switch immediate either way.
                sentinels.GetSubscriber().Subscribe(RedisChannel.Literal("+switch-master"), (_, message) => OnSwitchMaster(message.ToString()));
            }
            catch
            {
                sentinels.Dispose();
                throw;
            }
        }
        else
        {
            link = new RedisLink(ConnectionMultiplexer.Connect(configuration), null);
        }

        link.Master.ConnectionFailed += (_, e) => LogConnectionFailed(_logger, e.EndPoint?.ToString() ?? "?", e.FailureType.ToString(), e.Exception?.Message ?? string.Empty);
        link.Master.ConnectionRestored += (_, e) => LogConnectionRestored(_logger, e.EndPoint?.ToString() ?? "?");
        link.Master.ConfigurationChangedBroadcast += (_, e) => LogMasterChanged(_logger, e.EndPoint?.ToString() ?? "?");
        LogConnecting(_logger, Endpoint, link.Master.IsConnected, watch.ElapsedMilliseconds);
        return link;
    }

    /// <summary>Sentinel announced <c>NAME old-ip old-port new-ip new-port</c>.</summary>
    private void OnSwitchMaster(string message)
    {
        var parts = message.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 5 && parts[0] == _options.ServiceName)
        {
            FollowMaster($"Sentinel moved {parts[0]} from {parts[1]}:{parts[2]} to {parts[3]}:{parts[4]}");
        }
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

    /// <summary>The master connection and, with Sentinel, the sentinel connection that steers it; disposed together.</summary>
    private sealed class RedisLink(ConnectionMultiplexer master, ConnectionMultiplexer? sentinels) : IDisposable
    {
        public ConnectionMultiplexer Master { get; } = master;

        public void Dispose()
        {
            Master.Dispose();
            sentinels?.Dispose();
        }
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
