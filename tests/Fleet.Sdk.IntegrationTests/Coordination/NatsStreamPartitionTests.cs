using System.Globalization;
using System.Text;
using Fleet.Sdk.Config;
using Fleet.Sdk.Events;
using Fleet.Sdk.IntegrationTests.Resilience;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Xunit.Abstractions;

namespace Fleet.Sdk.IntegrationTests.Coordination;

/// <summary>
/// Durable streams on a three-node JetStream cluster (3 replicas) whose routes go through the fault proxy:
/// producers on every machine append keyed events while the stream's leader is killed or its machine is cut
/// off. Each scenario counts acknowledged events that were lost (0) and events stored twice (0).
/// </summary>
[Trait("Category", "Partition")]
[Collection(ResilienceCollection.Name)]
public sealed class NatsStreamPartitionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [RequiresNatsServerFact]
    public async Task StreamLeaderKilledThenRestartedWithItsData_AppendsResumeAndNoAcknowledgedEventIsLost()
    {
        await using var fleet = await NatsStreamFleet.StartAsync();
        var leader = await fleet.StreamLeaderAsync();
        using var stop = new CancellationTokenSource();
        var producers = fleet.Machines.Select(m => Task.Run(() => fleet.Workload.ProduceAsync(fleet.Stream(m), m, stop.Token))).ToArray();
        Assert.True(await Poll.UntilAsync(() => fleet.Workload.Acknowledged >= 30, Deadline), "appends did not start");

        var killedAt = fleet.Workload.Now;
        await fleet.Nats.KillAsync(leader);
        var survivors = fleet.Machines.Where(m => m != leader).ToList();
        Assert.True(await Poll.UntilAsync(() => survivors.All(m => fleet.Workload.AcknowledgedSince(m, killedAt) >= 20), Deadline), "the two surviving machines did not keep appending");
        var firstWrite = fleet.Workload.FirstAcknowledgedAfter(killedAt);
        await fleet.Nats.RestartAsync(leader, keepData: true);
        await fleet.Nats.WaitUntilHealthyAsync(Deadline);
        var restartedAt = fleet.Workload.Now;
        Assert.True(await Poll.UntilAsync(() => fleet.Machines.All(m => fleet.Workload.AcknowledgedSince(m, restartedAt) >= 5), Deadline), "appends did not go on after the restart");
        await stop.CancelAsync();
        await Task.WhenAll(producers);

        await fleet.Workload.RetryFailedAsync(fleet.Stream(survivors[0]), Deadline);
        ResilienceReport.Record(output, "NATS R3: stream leader killed", "first acknowledged append after the kill", firstWrite, "ms");
        await fleet.Workload.AssertNothingLostAsync(fleet.Stream(survivors[0]), output, "NATS R3: stream leader killed, restarted with its data", Deadline, ids => fleet.ExplainAsync(survivors[0], ids));
    }

    [RequiresNatsServerFact]
    public async Task LeaderMachineIsolatedAsAMinority_ItsAppendsFailFastTheMajorityKeepsAppendingAndNothingIsLostAfterHeal()
    {
        await using var fleet = await NatsStreamFleet.StartAsync();
        var isolated = await fleet.StreamLeaderAsync();
        var majority = fleet.Machines.Where(m => m != isolated).ToList();
        using var stop = new CancellationTokenSource();
        var producers = fleet.Machines.Select(m => Task.Run(() => fleet.Workload.ProduceAsync(fleet.Stream(m), m, stop.Token))).ToArray();
        Assert.True(await Poll.UntilAsync(() => fleet.Workload.Acknowledged >= 30, Deadline), "appends did not start");

        await fleet.Nats.Cluster.IsolateAsync(isolated);
        var cutAt = fleet.Workload.Now;
        Assert.True(await Poll.UntilAsync(() => majority.All(m => fleet.Workload.AcknowledgedSince(m, cutAt) >= 20), Deadline), "the majority did not keep appending");
        Assert.True(await Poll.UntilAsync(() => fleet.Workload.FailedSince(isolated, cutAt).Count >= 2, Deadline), "the isolated machine's appends did not fail");
        var firstWrite = fleet.Workload.FirstAcknowledgedAfter(cutAt);

        // Settled: everything the isolated machine starts now fails, at its append deadline, and nothing is acknowledged there.
        var settledAt = fleet.Workload.Now;
        Assert.True(await Poll.UntilAsync(() => fleet.Workload.FailedSince(isolated, settledAt).Count >= 2, Deadline));
        var (failedOnMinority, slowestFailure) = fleet.Workload.FailedSince(isolated, settledAt);
        Assert.Equal(0, fleet.Workload.AcknowledgedSince(isolated, settledAt));
        Assert.InRange(slowestFailure, 0, (long)(NatsStreamFleet.AppendDeadline + TimeSpan.FromSeconds(5)).TotalMilliseconds);

        await fleet.Nats.Cluster.HealAsync();
        var healedAt = fleet.Workload.Now;
        Assert.True(await Poll.UntilAsync(() => fleet.Workload.AcknowledgedSince(isolated, healedAt) >= 5, Deadline), "the healed machine did not append again");
        await stop.CancelAsync();
        await Task.WhenAll(producers);

        await fleet.Workload.RetryFailedAsync(fleet.Stream(isolated), Deadline);
        ResilienceReport.Record(output, "NATS R3: leader's machine isolated", "first acknowledged append on the majority after the cut", firstWrite, "ms");
        ResilienceReport.Record(output, "NATS R3: leader's machine isolated", $"slowest failed append on the minority ({failedOnMinority} failed, deadline {NatsStreamFleet.AppendDeadline.TotalSeconds:0} s)", slowestFailure, "ms");
        await fleet.Workload.AssertNothingLostAsync(fleet.Stream(majority[0]), output, "NATS R3: leader's machine isolated, then healed", Deadline, ids => fleet.ExplainAsync(majority[0], ids));
    }

    /// <summary>The cluster and one agent host with durable streams per machine, each reaching the nodes through its machine's links.</summary>
    private sealed class NatsStreamFleet : IAsyncDisposable
    {
        public static readonly TimeSpan AppendDeadline = TimeSpan.FromSeconds(4);
        private readonly Dictionary<string, IHost> _hosts = [];
        private readonly List<TempDirectory> _roots = [];
        private string _fleet = string.Empty;

        private NatsStreamFleet(NatsCluster nats) => Nats = nats;

        public NatsCluster Nats { get; }

        public StreamLossWorkload Workload { get; } = new();

        public IReadOnlyList<string> Machines => Nats.Machines;

        public static async Task<NatsStreamFleet> StartAsync()
        {
            var fleet = new NatsStreamFleet(await NatsCluster.StartAsync());
            fleet._fleet = $"s{Guid.NewGuid():N}"[..10];
            await fleet.Nats.WaitUntilHealthyAsync(Deadline);
            foreach (var machine in fleet.Machines)
            {
                var root = new TempDirectory();
                fleet._roots.Add(root);
                var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = root.Path });
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Fleet:Coordination:Engine"] = "Nats",
                    ["Fleet:Coordination:Nats:Servers"] = fleet.Nats.GetServers(machine),
                    ["Fleet:Coordination:Nats:ConnectTimeout"] = "00:00:01",
                    ["Fleet:Coordination:Nats:OperationTimeout"] = "00:00:02",
                    ["Fleet:Coordination:FleetName"] = fleet._fleet,
                    ["Fleet:Discovery:Machine"] = machine,
                    ["Fleet:Events:Durable:OperationTimeout"] = "00:00:01",
                    ["Fleet:Events:Durable:AppendDeadline"] = AppendDeadline.ToString(),
                    ["Fleet:Events:Durable:MaxBytes"] = "16777216",
                    ["Fleet:Events:Durable:ClaimAfter"] = "00:00:05",
                    ["Fleet:Events:Durable:AckDeadline"] = "00:00:04",
                });
                builder.Services.AddSingleton<IEnvironmentVariables>(new DictionaryEnvironmentVariables());
                builder.Services.AddFleetDurableStreams();
                var host = builder.Build();
                fleet._hosts[machine] = host;
                await host.StartAsync();
            }

            // The stream exists (three replicas) before any fault.
            Assert.True(await Poll.UntilAsync(async () => await TryAppendAsync(fleet.Stream("mainpc")), Deadline), "the stream could not be created");
            return fleet;
        }

        public DurableStream Stream(string machine) => _hosts[machine].Services.GetRequiredService<IDurableStreams>().Open(StreamLossWorkload.StreamName);

        public async Task<string> StreamLeaderAsync()
        {
            string? leader = null;
            Assert.True(await Poll.UntilAsync(async () => (leader = await Nats.GetStreamLeaderAsync($"fleet-{_fleet}-events-{StreamLossWorkload.StreamName}")) is not null, Deadline), "no stream leader agreed by a majority");
            return leader!;
        }

        /// <summary>For a failure message: the stream's state as the leader reports it, and whether it still holds each sequence.</summary>
        public async Task<string> ExplainAsync(string machine, IReadOnlyList<string> sequences)
        {
            try
            {
                await using var connection = new NatsConnection(NatsOpts.Default with { Url = Nats.GetServers(machine), RequestTimeout = TimeSpan.FromSeconds(10) });
                var jetStream = new NatsJSContext(connection);
                var stream = await jetStream.GetStreamAsync($"fleet-{_fleet}-events-{StreamLossWorkload.StreamName}");
                var state = stream.Info.State;
                var text = new StringBuilder($"stream holds {state.Messages} messages, sequences {state.FirstSeq}..{state.LastSeq}, {state.NumDeleted} deleted, leader {stream.Info.Cluster?.Leader}");
                foreach (var sequence in sequences)
                {
                    try
                    {
                        var message = await stream.GetAsync(new StreamMsgGetRequest { Seq = ulong.Parse(sequence, CultureInfo.InvariantCulture) });
                        text.Append($"; sequence {sequence} is stored ({Encoding.UTF8.GetString(message.Message.Data.Span)})");
                    }
                    catch (NatsJSApiException ex)
                    {
                        text.Append($"; sequence {sequence}: {ex.Error.Description}");
                    }
                }

                return text.ToString();
            }
            catch (Exception ex) when (ex is NatsException or TimeoutException or OperationCanceledException)
            {
                return $"could not ask the stream ({ex.Message})";
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var host in _hosts.Values)
            {
                await host.StopAsync();
                host.Dispose();
            }

            foreach (var root in _roots)
            {
                root.Dispose();
            }

            await Nats.DisposeAsync();
        }

        private static async Task<bool> TryAppendAsync(DurableStream stream)
        {
            try
            {
                await stream.AppendAsync("warm-up", idempotencyKey: "warm-up");
                return true;
            }
            catch (DurableStreamUnavailableException)
            {
                return false;
            }
        }
    }
}
