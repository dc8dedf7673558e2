using Fleet.Sdk.Testing;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Fleet.Sdk.Events.Tests;

/// <summary>Durable streams on NATS JetStream only: what the JetStream objects look like, and a server that dies or comes back (what every engine does is in <see cref="DurableStreamConformanceTests"/>).</summary>
public sealed class NatsDurableStreamTests(NatsClusterFixture nats) : StreamsHostTests, IClassFixture<NatsClusterFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [RequiresNatsServerFact]
    public async Task AppendAsync_OnACluster_StreamHasThreeReplicasTheBoundsAndTheIdempotencyWindowAndGroupsAckWaitIsClaimAfter()
    {
        var fleet = NewFleet();
        var streams = await StartAsync(
            StreamEngines.Nats(nats.Cluster.GetServers("pc2")),
            fleet,
            new Dictionary<string, string?>
            {
                ["Fleet:Events:Durable:MaxLength"] = "5000",
                ["Fleet:Events:Durable:MaxBytes"] = "4194304",
                ["Fleet:Events:Durable:MaxAge"] = "2.00:00:00",
                ["Fleet:Events:Durable:IdempotencyWindow"] = "01:00:00",
                ["Fleet:Events:Durable:ClaimAfter"] = "00:00:45",
            });
        var stream = streams.Open("gpu.leases");
        await stream.AppendAsync("x");
        using (var consumer = stream.CreateConsumer("orchestrator.main", "c"))
        {
            Assert.Single(await consumer.ReadAsync(10));
        }

        await using var connection = new NatsConnection(NatsOpts.Default with { Url = nats.Cluster.GetServers("mainpc") });
        var js = new NatsJSContext(connection);
        var info = (await js.GetStreamAsync($"fleet-{fleet}-events-gpu_dleases")).Info;
        var group = (await js.GetConsumerAsync($"fleet-{fleet}-events-gpu_dleases", "orchestrator_dmain")).Info;

        Assert.Equal([$"fleet-{fleet}-events.gpu.leases"], info.Config.Subjects);
        Assert.Equal(3, info.Config.NumReplicas);
        Assert.Equal((5000L, 4194304L, TimeSpan.FromDays(2), TimeSpan.FromHours(1)), (info.Config.MaxMsgs, info.Config.MaxBytes, info.Config.MaxAge, info.Config.DuplicateWindow));
        Assert.Equal(StreamConfigDiscard.Old, info.Config.Discard);
        Assert.Equal(StreamConfigStorage.File, info.Config.Storage);
        Assert.Equal(ConsumerConfigAckPolicy.Explicit, group.Config.AckPolicy);
        Assert.Equal(TimeSpan.FromSeconds(45), group.Config.AckWait);
        Assert.Equal(1, group.NumAckPending);
    }

    [RequiresNatsServerFact]
    public async Task AppendAsync_NatsKilled_RetriesUntilItsDeadlineThenSaysHowToRetrySafely()
    {
        await using var own = await NatsServer.StartAsync();
        var stream = (await StartAsync(
            StreamEngines.Nats(own.Url),
            NewFleet(),
            new Dictionary<string, string?> { ["Fleet:Events:Durable:AppendDeadline"] = "00:00:01", ["Fleet:Events:Durable:OperationTimeout"] = "00:00:00.300" })).Open("down");
        await stream.AppendAsync("warm-up");
        await own.KillAsync();

        var error = await Assert.ThrowsAsync<DurableStreamUnavailableException>(() => stream.AppendAsync("lost?", idempotencyKey: "k-1"));

        Assert.Contains("same idempotency key ('k-1')", error.Message, StringComparison.Ordinal);
        Assert.Contains("NATS JetStream is back", error.Message, StringComparison.Ordinal);
        Assert.IsType<Fleet.Sdk.Coordination.CoordinationUnavailableException>(error.InnerException);
    }

    [RequiresNatsServerFact]
    public async Task AppendAsync_NatsRestartedWithItsData_RetriedAppendLandsOnceAndTheKeyIsStillKnown()
    {
        await using var own = await NatsServer.StartAsync();
        var stream = (await StartAsync(StreamEngines.Nats(own.Url), NewFleet())).Open("retry");
        var first = await stream.AppendAsync("first", idempotencyKey: "e-1");
        await own.KillAsync();

        var append = stream.AppendAsync("second", idempotencyKey: "e-2");
        await own.RestartAsync(keepData: true);
        await append;

        // The server rebuilds its duplicate window from the stored messages: the first key still maps to its event.
        Assert.Equal(first, await stream.AppendAsync("first again", idempotencyKey: "e-1"));
        using var consumer = stream.CreateConsumer("g", "c");
        IReadOnlyList<DurableEvent> events = [];
        Assert.True(await Poll.UntilAsync(async () => (events = await TryRead(consumer)).Count > 0, Deadline));
        Assert.Equal(["first", "second"], events.Select(e => e.Payload));
    }

    [RequiresNatsServerFact]
    public async Task ReadAsync_NatsRestartedEmpty_StreamAndGroupComeBackByThemselvesAndNewEventsFlow()
    {
        await using var own = await NatsServer.StartAsync();
        var stream = (await StartAsync(StreamEngines.Nats(own.Url), NewFleet())).Open("survives");
        await AssertNewEventsFlowAfterAnEmptyRestartAsync(stream, () => own.RestartAsync(keepData: false), Deadline);
    }

    private static string NewFleet() => $"n{Guid.NewGuid():N}"[..12];

    private Task<IDurableStreams> StartAsync(IReadOnlyDictionary<string, string?> engine, string fleet, IDictionary<string, string?>? settings = null) =>
        StartHostAsync(engine, fleet, settings);
}
