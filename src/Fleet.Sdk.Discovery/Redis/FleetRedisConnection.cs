using System.Diagnostics;
using Fleet.Sdk.Security;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Fleet.Sdk.Discovery;

/// <summary>
/// <see cref="IFleetRedis"/> on one StackExchange.Redis multiplexer per service provider (one per
/// process in an agent), connected lazily on a thread of its own, never aborting on a failed connect,
/// reconnecting by itself. No caller's thread ever waits for the connection: each call waits at most
/// its own timeout, connection included, so concurrent first calls cannot starve the thread pool.
/// </summary>
internal sealed partial class FleetRedisConnection : IFleetRedis, IDisposable
{
    private readonly FleetRedisOptions _options;
    private readonly ILogger _logger;
    private readonly Lazy<Task<ConnectionMultiplexer>> _multiplexer;

    public FleetRedisConnection(FleetRedisOptions options, ISecretStore secrets, string clientName, ILogger logger)
    {
        _options = options;
        _logger = logger;
        KeyPrefix = $"fleet:{options.FleetName}:";
        // StackExchange.Redis's synchronous Connect is the one that returns a multiplexer which keeps retrying when
        // the server is down (AbortOnConnectFail off). It blocks for up to ConnectTimeout, so it runs on a thread of
        // its own, once; callers await it within their own timeouts and no pool thread ever waits for it.
        _multiplexer = new Lazy<Task<ConnectionMultiplexer>>(
            () => Task.Factory.StartNew(() => Connect(secrets, clientName), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default),
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string KeyPrefix { get; }

    public bool IsConnected => _multiplexer is { IsValueCreated: true, Value: { IsCompletedSuccessfully: true, Result.IsConnected: true } };

    public async Task<RedisReply> EvaluateAsync(string script, IReadOnlyList<string> keys, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var redisKeys = keys.Select(k => (RedisKey)k).ToArray();
        var values = arguments.Select(a => (RedisValue)a).ToArray();
        try
        {
            var result = await RunAsync(m => m.GetDatabase().ScriptEvaluateAsync(script, redisKeys, values)).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return Convert(result);
        }
        catch (TimeoutException ex)
        {
            throw TimedOut("a script", timeout, ex);
        }
        catch (RedisServerException ex) when (ex.Message.Contains("LOADING", StringComparison.Ordinal) || ex.Message.Contains("BUSY", StringComparison.Ordinal))
        {
            throw DiscoveryErrors.Unreachable("redis", "the server is loading or busy", ex);
        }
        catch (RedisServerException ex)
        {
            throw new InvalidOperationException($"Redis refused a Fleet.Sdk script: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException or ObjectDisposedException)
        {
            throw DiscoveryErrors.Unreachable("redis", _options.ConnectionString ?? string.Empty, ex);
        }
    }

    public IDisposable Subscribe(string channel, Action<string> handler)
    {
        Action<RedisChannel, RedisValue> callback = (_, message) => handler(message.ToString());
        return new Subscription(SubscribeAsync(channel, callback), channel, callback);
    }

    public async Task<TimeSpan> PingAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        try
        {
            return await RunAsync(m => m.GetDatabase().PingAsync()).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw TimedOut("PING", timeout, ex);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException or ObjectDisposedException)
        {
            throw DiscoveryErrors.Unreachable("redis", _options.ConnectionString ?? string.Empty, ex);
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

    /// <summary>A call that ran out of time: while no connection was ever made, that is Redis being unreachable, and the error says where to look.</summary>
    private DiscoveryUnavailableException TimedOut(string what, TimeSpan timeout, TimeoutException ex) =>
        _multiplexer.Value.IsCompletedSuccessfully
            ? new DiscoveryUnavailableException(DiscoveryErrors.Timeout("redis", what, timeout).Message, ex)
            : DiscoveryErrors.Unreachable("redis", $"{_options.ConnectionString}, still connecting after {timeout.TotalMilliseconds:0} ms", null);

    private async Task<T> RunAsync<T>(Func<ConnectionMultiplexer, Task<T>> operation)
    {
        var multiplexer = await _multiplexer.Value.ConfigureAwait(false);
        return await operation(multiplexer).ConfigureAwait(false);
    }

    private async Task<ISubscriber> SubscribeAsync(string channel, Action<RedisChannel, RedisValue> callback)
    {
        var subscriber = (await _multiplexer.Value.ConfigureAwait(false)).GetSubscriber();
        try
        {
            // Subscribing needs no live connection: StackExchange.Redis re-subscribes on every reconnect.
            await subscriber.SubscribeAsync(channel, callback).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException or RedisServerException or ObjectDisposedException)
        {
            LogSubscribeFailed(_logger, channel, ex.Message);
        }

        return subscriber;
    }

    private ConnectionMultiplexer Connect(ISecretStore secrets, string clientName)
    {
        var configuration = ConfigurationOptions.Parse(_options.ConnectionString ?? string.Empty);
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = (int)_options.ConnectTimeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)Math.Max(_options.ConnectTimeout.TotalMilliseconds, _options.OperationTimeout.TotalMilliseconds);
        configuration.ConnectRetry = 1;
        configuration.KeepAlive = 5;
        configuration.ClientName = new string(clientName.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.').ToArray());
        configuration.Ssl = _options.Tls;
        if (secrets.TryGetSecret(_options.PasswordSecret, out var password))
        {
            configuration.Password = password;
        }

        var watch = Stopwatch.StartNew();
        var multiplexer = ConnectionMultiplexer.Connect(configuration);
        multiplexer.ConnectionFailed += (_, e) => LogConnectionFailed(_logger, e.EndPoint?.ToString() ?? "?", e.FailureType.ToString(), e.Exception?.Message ?? string.Empty);
        multiplexer.ConnectionRestored += (_, e) => LogConnectionRestored(_logger, e.EndPoint?.ToString() ?? "?");
        LogConnecting(_logger, _options.ConnectionString ?? string.Empty, multiplexer.IsConnected, watch.ElapsedMilliseconds);
        return multiplexer;
    }

    private static RedisReply Convert(RedisResult result)
    {
        if (result.IsNull)
        {
            return RedisReply.Nil;
        }

        // StackExchange.Redis 1.2.6 has no public reply type; its array replies are ArrayRedisResult.
        if (result.GetType().Name.Contains("Array", StringComparison.Ordinal))
        {
            return RedisReply.FromArray(((RedisResult[])result!).Select(Convert).ToArray());
        }

        var value = (RedisValue)result;
        return value.IsInteger ? RedisReply.FromInteger((long)value) : RedisReply.FromText(value.ToString());
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Redis {Servers}: connected={Connected} after {ElapsedMs} ms (reconnects in the background when down).")]
    private static partial void LogConnecting(ILogger logger, string servers, bool connected, long elapsedMs);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Redis connection to {EndPoint} failed ({FailureType}): {Reason}. Discovery serves its last known view until it is back.")]
    private static partial void LogConnectionFailed(ILogger logger, string endPoint, string failureType, string reason);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Redis connection to {EndPoint} restored.")]
    private static partial void LogConnectionRestored(ILogger logger, string endPoint);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "Subscribing to {Channel} failed: {Reason}; polling keeps the view current.")]
    private static partial void LogSubscribeFailed(ILogger logger, string channel, string reason);

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
