using System.Text;
using Fleet.Sdk.Coordination;
using NATS.Client.KeyValueStore;

namespace Fleet.Sdk.Discovery.Tests;

/// <summary>What only the NATS registry shows: the bucket's max age as the TTL, revision-checked writes, its keys, its errors.</summary>
[Collection(NatsCollection.Name)]
public sealed class NatsProviderTests(NatsFixture nats)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [RequiresNatsServerFact]
    public async Task RegisterAsync_FirstRegistration_CreatesBucketWhoseMaxAgeIsTheTtl()
    {
        await using var registry = new NatsRegistry(nats.Server.Url, ttl: TimeSpan.FromSeconds(7));

        await registry.Provider.RegisterAsync(Instance("a"), "o", TimeSpan.FromSeconds(7));

        var stream = await registry.Nats.JetStream.GetStreamAsync("KV_" + registry.Provider.Bucket);
        Assert.Equal(TimeSpan.FromSeconds(7), stream.Info.Config.MaxAge);
        Assert.Equal(1, stream.Info.Config.NumReplicas);
        Assert.Equal(1, stream.Info.Config.MaxMsgsPerSubject);
    }

    [RequiresNatsServerFact]
    public async Task RegisterAsync_LongerTtlThanTheBucket_RaisesMaxAgeAndAShorterOneNeverLowersIt()
    {
        await using var registry = new NatsRegistry(nats.Server.Url, ttl: TimeSpan.FromSeconds(5));

        await registry.Provider.RegisterAsync(Instance("long"), "o1", TimeSpan.FromSeconds(40));
        await registry.Provider.RegisterAsync(Instance("short"), "o2", TimeSpan.FromSeconds(2));

        var stream = await registry.Nats.JetStream.GetStreamAsync("KV_" + registry.Provider.Bucket);
        Assert.Equal(TimeSpan.FromSeconds(40), stream.Info.Config.MaxAge);
        Assert.Equal(2, (await registry.Provider.FetchAsync("Svc")).Count);
    }

    [RequiresNatsServerFact]
    public async Task RegisterAsync_HeartbeatsStop_TheServerRemovesTheEntryAtTheBucketsMaxAge()
    {
        await using var registry = new NatsRegistry(nats.Server.Url, ttl: TimeSpan.FromSeconds(1));
        await registry.Provider.RegisterAsync(Instance("a"), "o", TimeSpan.FromSeconds(1));
        var store = await registry.Nats.KeyValue.GetStoreAsync(registry.Provider.Bucket);

        // Not hidden by a reader's clock: the server itself drops the message once it is older than the max age.
        Assert.True(await Poll.UntilAsync(async () => (await store.GetStatusAsync()).Info.State.Messages == 0, Generous), "the server kept the entry past the bucket's max age");
        Assert.Empty(await registry.Provider.FetchAsync("Svc"));
    }

    [RequiresNatsServerFact]
    public async Task RegisterAsync_ManyOwnersRaceForOneId_ExactlyOneWinsTheOthersAreRefused()
    {
        await using var registry = new NatsRegistry(nats.Server.Url);
        var attempts = Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await registry.Provider.RegisterAsync(Instance("same", machine: $"m{i}"), $"owner-{i}", TimeSpan.FromMinutes(1));
                return true;
            }
            catch (RegistrationConflictException)
            {
                return false;
            }
        });

        var won = await Task.WhenAll(attempts);

        Assert.Equal(1, won.Count(w => w));
        var holder = Assert.Single(await registry.Provider.FetchAsync("Svc"));
        Assert.Equal($"m{Array.IndexOf(won, true)}", holder.Machine);
    }

    [RequiresNatsServerFact]
    public async Task RegisterAsync_StoredValue_HoldsAHashNotTheOwnerToken()
    {
        await using var registry = new NatsRegistry(nats.Server.Url);
        await registry.Provider.RegisterAsync(Instance("a"), "secret-owner-token-123", TimeSpan.FromMinutes(1));
        var store = await registry.Nats.KeyValue.GetStoreAsync(registry.Provider.Bucket);

        var entry = await store.GetEntryAsync<byte[]>("Svc.a");

        var text = Encoding.UTF8.GetString(entry.Value!);
        Assert.DoesNotContain("secret-owner-token-123", text, StringComparison.Ordinal);
        Assert.Contains("\"ttl_ms\":60000", text, StringComparison.Ordinal);
    }

    [RequiresNatsServerFact]
    public async Task FetchAsync_DottedServiceNames_KeptApart()
    {
        await using var registry = new NatsRegistry(nats.Server.Url);
        await registry.Provider.RegisterAsync(Instance("x.1", service: "Model"), "o1", TimeSpan.FromMinutes(1));
        await registry.Provider.RegisterAsync(Instance("y", service: "Model.Manager"), "o2", TimeSpan.FromMinutes(1));

        Assert.Equal("x.1", Assert.Single(await registry.Provider.FetchAsync("Model")).InstanceId);
        Assert.Equal("y", Assert.Single(await registry.Provider.FetchAsync("Model.Manager")).InstanceId);
        Assert.Equal(2, (await registry.Provider.FetchAllAsync()).Count);
    }

    [RequiresNatsServerFact]
    public async Task FetchAsync_CorruptAndForeignEntries_SkippedAndCounted()
    {
        await using var registry = new NatsRegistry(nats.Server.Url);
        await registry.Provider.RegisterAsync(Instance("ok"), "o", TimeSpan.FromMinutes(1));
        var store = await registry.Nats.KeyValue.GetStoreAsync(registry.Provider.Bucket);

        await store.PutAsync("Svc.broken", "not json at all"u8.ToArray());
        await store.PutAsync("Svc.noheader", """{"v":1,"service":"Svc","id":"noheader","machine":"m","health":"Passing"}"""u8.ToArray());
        await store.PutAsync("Svc.foreign", """{"v":1,"service":"Other","id":"x","machine":"m","health":"Passing","ttl_ms":60000}"""u8.ToArray());

        Assert.Equal("ok", Assert.Single(await registry.Provider.FetchAsync("Svc")).InstanceId);
        Assert.Equal(3, registry.Metrics.CorruptEntries);
    }

    [RequiresNatsServerFact]
    public async Task WatchChanges_Heartbeat_IsNotAChangeButNewContentIs()
    {
        await using var registry = new NatsRegistry(nats.Server.Url);
        var seen = new List<string>();
        using var watch = registry.Provider.WatchChanges(s => { lock (seen) { seen.Add(s); } });
        Assert.True(await Poll.UntilAsync(() => registry.Provider.ReadyWatches > 0, Generous));

        await registry.Provider.RegisterAsync(Instance("a"), "o", TimeSpan.FromMinutes(1));
        await registry.Provider.RegisterAsync(Instance("a"), "o", TimeSpan.FromMinutes(1));
        await registry.Provider.RegisterAsync(Instance("a", health: InstanceHealth.Critical), "o", TimeSpan.FromMinutes(1));
        await registry.Provider.RegisterAsync(Instance("b", service: "Last"), "o", TimeSpan.FromMinutes(1));

        // The watcher delivers in order: once "Last" is seen, everything before it was too.
        Assert.True(await Poll.UntilAsync(() => { lock (seen) { return seen.Contains("Last"); } }, Generous));
        lock (seen)
        {
            Assert.Equal(["Svc", "Svc", "Last"], seen);
        }
    }

    [RequiresNatsServerFact]
    public async Task WatchChanges_ServerKilledThenRestarted_ChangesAfterTheRestartAreReported()
    {
        await using var server = await Testing.NatsServer.StartAsync();
        await using var registry = new NatsRegistry(server.Url, operationTimeout: TimeSpan.FromSeconds(5));
        await registry.Provider.RegisterAsync(Instance("a"), "o", TimeSpan.FromMinutes(1));
        var seen = new List<string>();
        using var watch = registry.Provider.WatchChanges(s => { lock (seen) { seen.Add(s); } });
        Assert.True(await Poll.UntilAsync(() => registry.Provider.ReadyWatches > 0, Generous), "the watcher never started");

        // Either NATS.Net's reconnect resumes the watcher, or it fails and is restarted with back-off: a change is reported both ways.
        await server.KillAsync();
        await server.RestartAsync(keepData: true);
        var registered = await Poll.UntilAsync(
            async () =>
            {
                await registry.Provider.RegisterAsync(Instance("b", service: "After"), "o", TimeSpan.FromMinutes(1));
                return true;
            },
            static ex => ex is DiscoveryUnavailableException,
            Generous);

        Assert.True(registered, "no registration succeeded once the server was back");

        Assert.True(await Poll.UntilAsync(() => { lock (seen) { return seen.Contains("After"); } }, Generous), "a change after the restart was not reported");
    }

    [RequiresNatsServerFact]
    public async Task FetchAsync_ServerGone_ThrowsDiscoveryUnavailableCausedByTheCoordinationError()
    {
        await using var server = await Testing.NatsServer.StartAsync();
        await using var registry = new NatsRegistry(server.Url, operationTimeout: TimeSpan.FromSeconds(1));
        await registry.Provider.RegisterAsync(Instance("a"), "o", TimeSpan.FromMinutes(1));

        await server.KillAsync();
        var error = await Assert.ThrowsAsync<DiscoveryUnavailableException>(() => registry.Provider.FetchAsync("Svc"));
        var write = await Assert.ThrowsAsync<DiscoveryUnavailableException>(() => registry.Provider.RegisterAsync(Instance("b"), "o", TimeSpan.FromMinutes(1)));

        var cause = Assert.IsType<CoordinationUnavailableException>(error.InnerException);
        Assert.Equal(CoordinationEngine.Nats, cause.Engine);
        Assert.Contains("Fleet:Coordination:Nats:Servers", error.Message, StringComparison.Ordinal);
        Assert.IsType<CoordinationUnavailableException>(write.InnerException);
    }

    private static ServiceInstance Instance(string id, string service = "Svc", string machine = "mainpc", InstanceHealth health = InstanceHealth.Passing) => new()
    {
        ServiceName = service,
        InstanceId = id,
        Machine = machine,
        Endpoints = new Dictionary<string, string> { ["rpc"] = "tcp://10.0.0.5:7200" },
        Health = health,
    };
}
