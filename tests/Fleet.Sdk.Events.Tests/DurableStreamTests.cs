using System.Collections.Concurrent;
using Fleet.Sdk.Coordination;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Events.Tests;

/// <summary>Durable streams against a real redis-server.</summary>
public sealed class DurableStreamTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly List<IAsyncDisposable> _cleanup = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var item in Enumerable.Reverse(_cleanup))
        {
            await item.DisposeAsync();
        }
    }

    [RequiresRedisServerFact]
    public async Task AppendThenRead_ConsumerGetsPayloadOnceAndAckEmptiesPending()
    {
        var stream = (await StartAsync()).Open("models.loaded");
        var id = await stream.AppendAsync("""{"model":"llama"}""");
        using var consumer = stream.CreateConsumer("orchestrator", "c1");

        var events = await consumer.ReadAsync(10, TimeSpan.FromSeconds(5));

        var e = Assert.Single(events);
        Assert.Equal(id, e.Id);
        Assert.Equal("""{"model":"llama"}""", e.Payload);
        Assert.Equal(1, e.DeliveryCount);
        Assert.Equal(1, (await stream.GetInfoAsync("orchestrator")).Pending);
        Assert.True(await consumer.AckAsync(e));
        Assert.Equal(new DurableStreamInfo(1, 0, 1), await stream.GetInfoAsync("orchestrator"));
        Assert.Empty(await consumer.ReadAsync(10));
    }

    [RequiresRedisServerFact]
    public async Task SameIdempotencyKeyTwice_StoredOnceWithTheFirstId()
    {
        var stream = (await StartAsync()).Open("jobs");

        var first = await stream.AppendAsync("a", idempotencyKey: "job-7");
        var second = await stream.AppendAsync("a again", idempotencyKey: "job-7");

        Assert.Equal(first, second);
        Assert.Equal(1, (await stream.GetInfoAsync("any")).Length);
    }

    [RequiresRedisServerFact]
    public async Task TwoConsumersOfOneGroup_ShareEventsAndEachEventGoesToExactlyOne()
    {
        var stream = (await StartAsync()).Open("work");
        for (var i = 0; i < 40; i++)
        {
            await stream.AppendAsync(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        using var a = stream.CreateConsumer("g", "a");
        using var b = stream.CreateConsumer("g", "b");
        var seen = new List<string>();
        var fromA = await a.ReadAsync(15);
        var fromB = await b.ReadAsync(100);
        foreach (var e in fromA.Concat(fromB))
        {
            seen.Add(e.Payload);
        }

        Assert.Equal(15, fromA.Count);
        Assert.Equal(25, fromB.Count);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), seen.Order());
    }

    [RequiresRedisServerFact]
    public async Task TwoGroups_EachGetsEveryEvent()
    {
        var stream = (await StartAsync()).Open("broadcast");
        using var first = stream.CreateConsumer("memory", "m1");
        using var second = stream.CreateConsumer("planner", "p1");
        Assert.Empty(await first.ReadAsync(10));
        await stream.AppendAsync("x");
        await stream.AppendAsync("y");

        Assert.Equal(["x", "y"], (await first.ReadAsync(10)).Select(e => e.Payload));
        Assert.Equal(["x", "y"], (await second.ReadAsync(10)).Select(e => e.Payload));
    }

    [RequiresRedisServerFact]
    public async Task ConsumerDiesWithoutAck_AnotherTakesOverAndTheLateAckIsRefused()
    {
        var logs = new ListLoggerProvider();
        var host = await StartAsync(new Dictionary<string, string?> { ["Fleet:Events:Durable:ClaimAfter"] = "00:00:00.300" }, logs);
        var stream = host.Open("jobs");
        await stream.AppendAsync("job-1");
        using var crashed = stream.CreateConsumer("workers", "w1");
        using var survivor = stream.CreateConsumer("workers", "w2");
        var taken = Assert.Single(await crashed.ReadAsync(10));

        IReadOnlyList<DurableEvent> handedOn = [];
        Assert.True(await Poll.UntilAsync(async () => (handedOn = await survivor.ReadAsync(10)).Count > 0, Deadline));

        var e = Assert.Single(handedOn);
        Assert.Equal(taken.Id, e.Id);
        Assert.Equal(2, e.DeliveryCount);
        Assert.True(e.IsRedelivery);
        Assert.False(await crashed.AckAsync(taken));
        Assert.True(await survivor.AckAsync(e));
        Assert.Equal(0, (await stream.GetInfoAsync("workers")).Pending);
        Assert.Contains(logs.Entries, l => l.EventId.Id == 9114 && l.Message.Contains("too late", StringComparison.Ordinal));
    }

    [RequiresRedisServerFact]
    public async Task WaitingReader_WakesForAnAppendFromAnotherProcess()
    {
        var fleet = NewFleet();
        var producer = (await StartAsync(fleet: fleet)).Open("wake");
        var reader = (await StartAsync(fleet: fleet, settings: new Dictionary<string, string?> { ["Fleet:Events:Durable:PollInterval"] = "00:00:30" })).Open("wake");
        using var consumer = reader.CreateConsumer("g", "c");
        Assert.Empty(await consumer.ReadAsync(1));

        var read = consumer.ReadAsync(10, TimeSpan.FromSeconds(20));
        await producer.AppendAsync("hello");

        // With a 30 s poll interval only the append notification can end the wait before the 20 s limit.
        var completed = await Task.WhenAny(read, Task.Delay(Deadline));
        Assert.Same(read, completed);
        Assert.Equal("hello", Assert.Single(await read).Payload);
    }

    [RequiresLocalRedisServerFact]
    public async Task RedisRestartedEmpty_GroupIsRecreatedAndNewEventsFlow()
    {
        await using var own = await Fleet.Sdk.Testing.RedisServer.StartAsync();
        var stream = (await StartAsync(connectionString: own.ConnectionString)).Open("survives");
        using var consumer = stream.CreateConsumer("g", "c");
        await stream.AppendAsync("before");
        Assert.Single(await consumer.ReadAsync(10));

        await own.RestartAsync(keepData: false);

        Assert.True(await Poll.UntilAsync(async () => await TryAppend(stream, "after"), Deadline));
        IReadOnlyList<DurableEvent> events = [];
        Assert.True(await Poll.UntilAsync(async () => (events = await TryRead(consumer)).Count > 0, Deadline));
        Assert.Equal("after", Assert.Single(events).Payload);
    }

    [RequiresLocalRedisServerFact]
    public async Task RedisDown_AppendRetriesUntilItsDeadlineThenSaysHowToRetrySafely()
    {
        await using var own = await Fleet.Sdk.Testing.RedisServer.StartAsync();
        var stream = (await StartAsync(
            connectionString: own.ConnectionString,
            settings: new Dictionary<string, string?> { ["Fleet:Events:Durable:AppendDeadline"] = "00:00:01", ["Fleet:Events:Durable:OperationTimeout"] = "00:00:00.300" })).Open("down");
        await stream.AppendAsync("warm-up");
        await own.KillAsync();

        var error = await Assert.ThrowsAsync<DurableStreamUnavailableException>(() => stream.AppendAsync("lost?", idempotencyKey: "k-1"));

        Assert.Contains("same idempotency key ('k-1')", error.Message, StringComparison.Ordinal);
        Assert.Contains("'down'", error.Message, StringComparison.Ordinal);
    }

    [RequiresLocalRedisServerFact]
    public async Task RedisDownDuringAppend_RetrySucceedsAfterRestartAndStoresTheEventOnce()
    {
        await using var own = await Fleet.Sdk.Testing.RedisServer.StartAsync();
        var stream = (await StartAsync(connectionString: own.ConnectionString)).Open("retry");
        await stream.AppendAsync("first", idempotencyKey: "e-1");
        await own.KillAsync();

        var append = stream.AppendAsync("second", idempotencyKey: "e-2");
        await own.RestartAsync(keepData: true);
        await append;

        using var consumer = stream.CreateConsumer("g", "c");
        Assert.Equal(["first", "second"], (await consumer.ReadAsync(10)).Select(e => e.Payload));
    }

    [RequiresRedisServerFact]
    public async Task BadNamesAndOversizedPayloads_AreRefusedSayingWhatIsAllowed()
    {
        var streams = await StartAsync(new Dictionary<string, string?> { ["Fleet:Events:Durable:MaxPayloadBytes"] = "10" });

        var badStream = Assert.Throws<ArgumentException>(() => streams.Open("has space"));
        Assert.Contains("letters, digits", badStream.Message, StringComparison.Ordinal);
        var stream = streams.Open("ok");
        Assert.Throws<ArgumentException>(() => stream.CreateConsumer("g:1", "c"));
        Assert.Throws<ArgumentException>(() => stream.CreateConsumer("g", new string('c', 101)));
        var big = await Assert.ThrowsAsync<ArgumentException>(() => stream.AppendAsync("01234567890"));
        Assert.Contains("MaxPayloadBytes", big.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await stream.GetInfoAsync("g")).Length);
    }

    [RequiresRedisServerFact]
    public async Task ConcurrentProducersAndConsumers_EveryEventAcknowledgedExactlyOnce()
    {
        var stream = (await StartAsync()).Open("load");
        const int Producers = 4;
        const int PerProducer = 100;
        var acked = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();
        var consumers = Enumerable.Range(0, 3).Select(i => Task.Run(async () =>
        {
            using var consumer = stream.CreateConsumer("g", $"c{i}");
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    foreach (var e in await consumer.ReadAsync(20, TimeSpan.FromMilliseconds(200)))
                    {
                        if (await consumer.AckAsync(e))
                        {
                            acked.AddOrUpdate(e.Payload, 1, (_, n) => n + 1);
                        }
                    }
                }
                catch (DurableStreamUnavailableException)
                {
                    // The shared connection is still coming up on a loaded machine: nothing was delivered; read again.
                }
            }
        })).ToArray();

        await Task.WhenAll(Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                await stream.AppendAsync($"{p}-{i}");
            }
        })));

        var settled = await Poll.UntilAsync(() => Task.FromResult(acked.Count == Producers * PerProducer || consumers.Any(c => c.IsFaulted)), Deadline);
        await stop.CancelAsync();
        await Task.WhenAll(consumers);
        Assert.True(settled && acked.Count == Producers * PerProducer, $"{acked.Count} of {Producers * PerProducer} acknowledged; {await stream.GetInfoAsync("g")}");
        Assert.All(acked.Values, n => Assert.Equal(1, n));
        Assert.Equal(0, (await stream.GetInfoAsync("g")).Pending);
    }

    [Fact]
    public void InvalidOptions_EveryProblemListedWithAWorkingValue()
    {
        var options = new DurableStreamOptions { ClaimAfter = TimeSpan.Zero, MaxLength = 5, IdempotencyWindow = TimeSpan.FromSeconds(5) };

        var error = Assert.Throws<ArgumentException>(() => new DurableStreams(new UnusedRedis(), options));

        Assert.Contains("Fleet:Events:Durable:ClaimAfter", error.Message, StringComparison.Ordinal);
        Assert.Contains("Fleet:Events:Durable:MaxLength", error.Message, StringComparison.Ordinal);
        Assert.Contains("shorter than AppendDeadline", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidConfiguration_FailsHostStartNamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            StreamsHost.StartAsync("127.0.0.1:1", NewFleet(), new Dictionary<string, string?> { ["Fleet:Events:Durable:PollInterval"] = "-00:00:01" }));

        Assert.Contains("Fleet:Events:Durable:PollInterval", error.Message, StringComparison.Ordinal);
    }

    private static string NewFleet() => $"e{Guid.NewGuid():N}"[..12];

    private static async Task<bool> TryAppend(DurableStream stream, string payload)
    {
        try
        {
            await stream.AppendAsync(payload, idempotencyKey: payload);
            return true;
        }
        catch (DurableStreamUnavailableException)
        {
            return false;
        }
    }

    private static async Task<IReadOnlyList<DurableEvent>> TryRead(DurableStreamConsumer consumer)
    {
        try
        {
            return await consumer.ReadAsync(10);
        }
        catch (DurableStreamUnavailableException)
        {
            return [];
        }
    }

    private async Task<IDurableStreams> StartAsync(IDictionary<string, string?>? settings = null, ListLoggerProvider? logs = null, string? fleet = null, string? connectionString = null)
    {
        var host = await StreamsHost.StartAsync(connectionString ?? redis.Server.ConnectionString, fleet ?? NewFleet(), settings, logs);
        _cleanup.Add(host);
        return host.Streams;
    }

    private sealed class UnusedRedis : IFleetRedis
    {
        public CoordinationEngine Engine => CoordinationEngine.Redis;

        public string Endpoint => "unused";

        public string KeyPrefix => "fleet:unused:";

        public TimeSpan OperationTimeout => TimeSpan.FromSeconds(1);

        public int MinReplicaAcks => 0;

        public bool IsConnected => false;

        public Task<RedisReply> EvaluateReplicatedAsync(string script, IReadOnlyList<string> keys, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("not used by this test");

        public Task<RedisReply> EvaluateAsync(string script, IReadOnlyList<string> keys, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("not used by this test");

        public IDisposable Subscribe(string channel, Action<string> handler) => throw new InvalidOperationException("not used by this test");

        public Task<TimeSpan> PingAsync(TimeSpan timeout, CancellationToken cancellationToken = default) => throw new InvalidOperationException("not used by this test");
    }
}
