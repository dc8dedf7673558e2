using Fleet.Sdk.Coordination;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Discovery.Tests;

/// <summary>The conformance suite against a real redis-server.</summary>
[Collection(RedisCollection.Name)]
[RequiresRedisServer]
public sealed class RedisProviderConformanceTests(RedisFixture redis) : RedisBackedConformanceTests(redis)
{
    private protected override IDiscoveryProvider CreateProvider(RedisDiscoveryProvider redis) => redis;
}

/// <summary>The conformance suite on a provider built over a Redis provider on its own connection to the shared server.</summary>
public abstract class RedisBackedConformanceTests(RedisFixture redis) : DiscoveryProviderConformanceTests
{
    private IFleetRedis? _connection;

    protected override Task<IDiscoveryProvider> CreateProviderAsync()
    {
        _connection = redis.Connect();
        return Task.FromResult(CreateProvider(new RedisDiscoveryProvider(_connection, new DiscoveryMetrics(null), TimeSpan.FromSeconds(2), NullLogger.Instance)));
    }

    private protected abstract IDiscoveryProvider CreateProvider(RedisDiscoveryProvider redis);

    public override Task DisposeAsync()
    {
        _connection.Close();
        return Task.CompletedTask;
    }

    /// <summary>A subscription is registered asynchronously: wait until the server counts a subscriber of the provider's change channel.</summary>
    protected override Task WaitForSubscriptionAsync() =>
        RedisSubscribers.WaitForSubscriberAsync([redis.Server], _connection!.KeyPrefix + "changes", TimeSpan.FromSeconds(10));
}

/// <summary>What only the Redis provider can show: foreign data in the keyspace, and one call per heartbeat.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisProviderTests(RedisFixture redis) : IDisposable
{
    private readonly List<IDisposable> _disposables = [];

    public void Dispose() => _disposables.ForEach(d => d.Dispose());

    [RequiresRedisServerFact]
    public async Task Fetch_CorruptAndForeignEntries_SkippedAndCounted()
    {
        var (connection, provider, metrics) = Create();
        await provider.RegisterAsync(Good("ok"), "o", TimeSpan.FromMinutes(1));
        var prefix = connection.KeyPrefix;

        // Garbage under ids the index lists: not JSON, wrong types, another service's record, a huge value.
        await Raw(connection, "not json at all", "broken");
        await Raw(connection, """{"v":1,"service":"Svc","id":42,"machine":["x"],"health":"Passing"}""", "typed");
        await Raw(connection, """{"v":1,"service":"Other","id":"x","machine":"m","health":"Passing"}""", "foreign");
        await Raw(connection, "{\"v\":1,\"pad\":\"" + new string('x', 100_000) + "\"}", "huge");

        var instances = await provider.FetchAsync("Svc");

        Assert.Equal("ok", Assert.Single(instances).InstanceId);
        Assert.Equal(4, metrics.CorruptEntries);
        Assert.StartsWith("fleet:", prefix, StringComparison.Ordinal);
    }

    [RequiresRedisServerFact]
    public async Task Register_IsOneScriptCallPerHeartbeat()
    {
        var (_, provider, _) = Create();
        var calls = new List<string>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "fleet.discovery.registry.calls")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) => calls.Add((string)tags[0].Value!));
        listener.Start();

        for (var i = 0; i < 5; i++)
        {
            await provider.RegisterAsync(Good("hb"), "o", TimeSpan.FromMinutes(1));
        }

        Assert.Equal(5, calls.Count(c => c == "register"));
    }

    [RequiresRedisServerFact]
    public async Task Fetch_RedisUnreachable_ThrowsUnavailableNamingTheSetting()
    {
        var connection = redis.Connect(connectionString: "127.0.0.1:1", timeout: TimeSpan.FromMilliseconds(300));
        _disposables.Add((IDisposable)connection);
        var provider = new RedisDiscoveryProvider(connection, new DiscoveryMetrics(null), TimeSpan.FromMilliseconds(300), NullLogger.Instance);

        var error = await Assert.ThrowsAsync<DiscoveryUnavailableException>(() => provider.FetchAsync("Svc"));

        Assert.Contains("Fleet:Coordination:Redis:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [RequiresRedisServerFact]
    public async Task FirstCalls_RedisNeverAnswers_EachFailsAtItsOwnTimeoutNoThreadWaitsForTheConnect()
    {
        // The kernel completes TCP handshakes for this listener, which never accepts or answers: StackExchange.Redis
        // waits its whole ConnectTimeout (5 s) for the server's reply.
        var hole = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        hole.Start();
        try
        {
            var connection = redis.Connect(connectionString: $"127.0.0.1:{((System.Net.IPEndPoint)hole.LocalEndpoint).Port}", timeout: TimeSpan.FromSeconds(5));
            _disposables.Add((IDisposable)connection);
            var watch = System.Diagnostics.Stopwatch.StartNew();

            var calls = Enumerable.Range(0, 32).Select(_ => Task.Run(() => connection.PingAsync(TimeSpan.FromMilliseconds(300)))).ToArray();
            var outcomes = await Task.WhenAll(calls.Select(call => Record.ExceptionAsync(() => call)));

            Assert.All(outcomes, error => Assert.Contains("still connecting after 300 ms", Assert.IsType<CoordinationUnavailableException>(error).Message, StringComparison.Ordinal));
            Assert.False(connection.IsConnected);

            // Each call ends at its own 300 ms timeout; none waits for the 5 s connect (tolerant bound for a loaded machine).
            Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));
        }
        finally
        {
            hole.Stop();
        }
    }

    private (IFleetRedis Connection, RedisDiscoveryProvider Provider, DiscoveryMetrics Metrics) Create()
    {
        var connection = redis.Connect();
        _disposables.Add((IDisposable)connection);
        var metrics = new DiscoveryMetrics(null);
        return (connection, new RedisDiscoveryProvider(connection, metrics, TimeSpan.FromSeconds(2), NullLogger.Instance), metrics);
    }

    private static Task Raw(IFleetRedis connection, string value, string id) =>
        connection.EvaluateAsync(
            "redis.call('SET', KEYS[1], ARGV[1]); redis.call('ZADD', KEYS[2], '+inf', ARGV[2]); return 1",
            [$"{connection.KeyPrefix}instance:Svc:{id}", $"{connection.KeyPrefix}service:Svc"],
            [value, id],
            TimeSpan.FromSeconds(2));

    private static ServiceInstance Good(string id) => new() { ServiceName = "Svc", InstanceId = id, Machine = "mainpc" };
}
