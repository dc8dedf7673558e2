using System.Collections.Concurrent;
using System.Globalization;

namespace Fleet.Sdk.Events.Tests;

/// <summary>
/// What every durable stream engine must do, seen through <see cref="IDurableStreams"/>: each engine runs
/// this suite unchanged through a derived class (in-process, Redis, Redis with Sentinel, NATS on one node
/// and on three). Each test uses a fleet name of its own, so engines can be shared between tests.
/// </summary>
public abstract class DurableStreamConformanceTests : StreamsHostTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>Gets the <c>Fleet:Coordination</c> settings of the engine under test.</summary>
    protected abstract IReadOnlyDictionary<string, string?> Engine { get; }

    [SuiteFact]
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

    [SuiteFact]
    public async Task AppendAsync_SameIdempotencyKeyTwice_StoredOnceWithTheFirstId()
    {
        var stream = (await StartAsync()).Open("jobs");

        var first = await stream.AppendAsync("a", idempotencyKey: "job-7");
        var other = await stream.AppendAsync("b", idempotencyKey: "job-8");
        var second = await stream.AppendAsync("a again", idempotencyKey: "job-7");

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        Assert.Equal(2, (await stream.GetInfoAsync("any")).Length);
        using var consumer = stream.CreateConsumer("g", "c");
        Assert.Equal(["a", "b"], (await consumer.ReadAsync(10)).Select(e => e.Payload));
    }

    [SuiteFact]
    public async Task AppendAsync_SameKeyFromAnotherProcess_StoredOnce()
    {
        var fleet = NewFleet();
        var one = (await StartAsync(fleet: fleet)).Open("shared");
        var two = (await StartAsync(fleet: fleet)).Open("shared");

        var first = await one.AppendAsync("from one", idempotencyKey: "k");
        var second = await two.AppendAsync("from two", idempotencyKey: "k");

        Assert.Equal(first, second);
        Assert.Equal(1, (await two.GetInfoAsync("g")).Length);
    }

    [SuiteFact]
    public async Task ReadAsync_TwoConsumersOfOneGroup_ShareEventsAndEachEventGoesToExactlyOne()
    {
        var stream = (await StartAsync()).Open("work");
        for (var i = 0; i < 40; i++)
        {
            await stream.AppendAsync(i.ToString(CultureInfo.InvariantCulture));
        }

        using var a = stream.CreateConsumer("g", "a");
        using var b = stream.CreateConsumer("g", "b");
        var fromA = await a.ReadAsync(15);
        var fromB = await b.ReadAsync(100);

        Assert.Equal(15, fromA.Count);
        Assert.Equal(25, fromB.Count);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => i.ToString(CultureInfo.InvariantCulture)).Order(), fromA.Concat(fromB).Select(e => e.Payload).Order());
        Assert.Equal(2, (await stream.GetInfoAsync("g")).Consumers);
    }

    [SuiteFact]
    public async Task ReadAsync_TwoGroups_EachGetsEveryEventInAppendOrder()
    {
        var stream = (await StartAsync()).Open("broadcast");
        using var first = stream.CreateConsumer("memory", "m1");
        using var second = stream.CreateConsumer("planner", "p1");
        Assert.Empty(await first.ReadAsync(10));
        var x = await stream.AppendAsync("x");
        var y = await stream.AppendAsync("y");

        // Acknowledged appends reach every group, in order. On a replicated JetStream stream a consumer's leader can
        // see an acknowledged append a moment later than the stream's leader, so one read may return only the first:
        // the groups read until both arrived.
        Assert.Equal(["x", "y"], (await ReadAtLeastAsync(first, 2)).Select(e => e.Payload));
        Assert.Equal([x, y], (await ReadAtLeastAsync(second, 2)).Select(e => e.Id));
    }

    private static async Task<List<DurableEvent>> ReadAtLeastAsync(DurableStreamConsumer consumer, int count)
    {
        var events = new List<DurableEvent>();
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (events.Count < count && deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            events.AddRange(await consumer.ReadAsync(10, TimeSpan.FromMilliseconds(500)));
        }

        return events;
    }

    [SuiteFact]
    public async Task AckAsync_ConsumerDiesWithoutAck_AnotherTakesOverAndTheLateAckIsRefused()
    {
        var logs = new ListLoggerProvider();
        var streams = await StartAsync(new Dictionary<string, string?> { ["Fleet:Events:Durable:ClaimAfter"] = "00:00:02" }, logs);
        var stream = streams.Open("jobs");
        await stream.AppendAsync("job-1");
        using var crashed = stream.CreateConsumer("workers", "w1");
        using var survivor = stream.CreateConsumer("workers", "w2");
        var taken = Assert.Single(await crashed.ReadAsync(10));
        Assert.Empty(await survivor.ReadAsync(10));

        IReadOnlyList<DurableEvent> handedOn = [];
        Assert.True(await Poll.UntilAsync(async () => (handedOn = await survivor.ReadAsync(10)).Count > 0, Deadline));

        var e = Assert.Single(handedOn);
        Assert.Equal(taken.Id, e.Id);
        Assert.Equal(2, e.DeliveryCount);
        Assert.True(e.IsRedelivery);
        Assert.False(await crashed.AckAsync(taken));
        Assert.True(await survivor.AckAsync(e));
        Assert.Equal(0, (await stream.GetInfoAsync("workers")).Pending);
        Assert.Empty(await survivor.ReadAsync(10));
        Assert.Contains(logs.Entries, l => l.EventId.Id == 9114 && l.Message.Contains("too late", StringComparison.Ordinal));
    }

    [SuiteFact]
    public async Task ReadAsync_WaitingReader_WakesForAnAppendFromAnotherProcess()
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

    [SuiteFact]
    public async Task AppendAsync_PastMaxLength_OldestEventsAreTrimmed()
    {
        var stream = (await StartAsync(new Dictionary<string, string?> { ["Fleet:Events:Durable:MaxLength"] = "100" })).Open("bounded");
        for (var i = 0; i < 350; i++)
        {
            await stream.AppendAsync(i.ToString(CultureInfo.InvariantCulture));
        }

        // Redis trims whole nodes of its stream (MAXLEN ~), so it may keep up to about a hundred more.
        var length = (await stream.GetInfoAsync("g")).Length;
        Assert.InRange(length, 100, 250);
        using var consumer = stream.CreateConsumer("g", "c");
        var events = await consumer.ReadAsync(1000);
        Assert.Equal(length, events.Count);
        Assert.Equal("349", events[^1].Payload);
        Assert.NotEqual("0", events[0].Payload);
    }

    [SuiteFact]
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
        var badKey = await Assert.ThrowsAsync<ArgumentException>(() => stream.AppendAsync("x", idempotencyKey: "a\r\nb"));
        Assert.Contains("control characters", badKey.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await stream.GetInfoAsync("g")).Length);
    }

    [SuiteFact]
    public async Task Open_NamesThatDifferOnlyByDotOrUnderscore_AreSeparateStreams()
    {
        var streams = await StartAsync();
        var dotted = streams.Open("a.b");
        var underscored = streams.Open("a_b");

        await dotted.AppendAsync("dot");
        await underscored.AppendAsync("underscore");
        await underscored.AppendAsync("underscore again");

        Assert.Equal(1, (await dotted.GetInfoAsync("g")).Length);
        Assert.Equal(2, (await underscored.GetInfoAsync("g")).Length);
    }

    [SuiteFact]
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
                    // The shared connection is still coming up on a loaded machine: read again.
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

    protected static string NewFleet() => $"e{Guid.NewGuid():N}"[..12];

    private protected Task<IDurableStreams> StartAsync(IDictionary<string, string?>? settings = null, ListLoggerProvider? logs = null, string? fleet = null) =>
        StartHostAsync(Engine, fleet ?? NewFleet(), settings, logs);
}

public sealed class InProcessStreamConformanceTests : DurableStreamConformanceTests
{
    protected override IReadOnlyDictionary<string, string?> Engine => StreamEngines.InProcess;
}

[Collection(RedisCollection.Name)]
[RequiresRedisServer]
public sealed class RedisStreamConformanceTests(RedisFixture redis) : DurableStreamConformanceTests
{
    protected override IReadOnlyDictionary<string, string?> Engine => StreamEngines.Redis(redis.Server.ConnectionString);
}

[RequiresNatsServer]
public sealed class NatsStreamConformanceTests(NatsFixture nats) : DurableStreamConformanceTests, IClassFixture<NatsFixture>
{
    protected override IReadOnlyDictionary<string, string?> Engine => StreamEngines.Nats(nats.Server.Url);
}

[RequiresNatsServer]
public sealed class NatsClusterStreamConformanceTests(NatsClusterFixture nats) : DurableStreamConformanceTests, IClassFixture<NatsClusterFixture>
{
    protected override IReadOnlyDictionary<string, string?> Engine => StreamEngines.Nats(nats.Cluster.GetServers("mainpc"));
}

[Collection(RedisSentinelCollection.Name)]
[RequiresRedisSentinel]
public sealed class RedisSentinelStreamConformanceTests(RedisSentinelFixture sentinel) : DurableStreamConformanceTests
{
    protected override IReadOnlyDictionary<string, string?> Engine => new Dictionary<string, string?>(sentinel.Settings)
    {
        ["Fleet:Coordination:Redis:ConnectTimeout"] = "00:00:02",
        ["Fleet:Coordination:Redis:OperationTimeout"] = "00:00:02",
    };
}
