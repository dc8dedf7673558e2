using System.Diagnostics;
using Fleet.Sdk.Security;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Fleet.Sdk.Discovery;

/// <summary>
/// <see cref="IFleetRedis"/> on one StackExchange.Redis multiplexer per service provider (one per
/// process in an agent), connected lazily, never aborting on a failed connect, reconnecting by itself.
/// </summary>
internal sealed partial class FleetRedisConnection : IFleetRedis, IDisposable
{
    private readonly FleetRedisOptions _options;
    private readonly ILogger _logger;
    private readonly Lazy<ConnectionMultiplexer> _multiplexer;

    public FleetRedisConnection(FleetRedisOptions options, ISecretStore secrets, string clientName, ILogger logger)
    {
        _options = options;
        _logger = logger;
        KeyPrefix = $"fleet:{options.FleetName}:";
        _multiplexer = new Lazy<ConnectionMultiplexer>(() => Connect(secrets, clientName), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string KeyPrefix { get; }

    public bool IsConnected => _multiplexer.IsValueCreated && _multiplexer.Value.IsConnected;

    public async Task<RedisReply> EvaluateAsync(string script, IReadOnlyList<string> keys, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var database = Multiplexer().GetDatabase();
        var redisKeys = keys.Select(k => (RedisKey)k).ToArray();
        var values = arguments.Select(a => (RedisValue)a).ToArray();
        try
        {
            var result = await database.ScriptEvaluateAsync(script, redisKeys, values).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return Convert(result);
        }
        catch (TimeoutException ex)
        {
            throw new DiscoveryUnavailableException(DiscoveryErrors.Timeout("redis", "a script", timeout).Message, ex);
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
        var subscriber = Multiplexer().GetSubscriber();
        Action<RedisChannel, RedisValue> callback = (_, message) => handler(message.ToString());

        // Subscribing needs no live connection: StackExchange.Redis re-subscribes on every reconnect.
        _ = subscriber.SubscribeAsync(channel, callback).ContinueWith(
            t => LogSubscribeFailed(_logger, channel, t.Exception?.GetBaseException().Message ?? string.Empty),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Default);
        return new Subscription(subscriber, channel, callback);
    }

    public async Task<TimeSpan> PingAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        try
        {
            return await Multiplexer().GetDatabase().PingAsync().WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new DiscoveryUnavailableException(DiscoveryErrors.Timeout("redis", "PING", timeout).Message, ex);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException or ObjectDisposedException)
        {
            throw DiscoveryErrors.Unreachable("redis", _options.ConnectionString ?? string.Empty, ex);
        }
    }

    public void Dispose()
    {
        if (_multiplexer.IsValueCreated)
        {
            _multiplexer.Value.Dispose();
        }
    }

    private ConnectionMultiplexer Multiplexer() => _multiplexer.Value;

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

    private sealed class Subscription(ISubscriber subscriber, RedisChannel channel, Action<RedisChannel, RedisValue> callback) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                // Unsubscribing from a dead connection fails; the subscription dies with it, which is the goal.
                _ = subscriber.UnsubscribeAsync(channel, callback).ContinueWith(
                    static t => t.Exception?.Handle(static e => e is RedisConnectionException or RedisTimeoutException or ObjectDisposedException),
                    CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted,
                    TaskScheduler.Default);
            }
        }
    }
}
