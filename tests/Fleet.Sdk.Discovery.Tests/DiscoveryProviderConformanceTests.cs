namespace Fleet.Sdk.Discovery.Tests;

/// <summary>
/// What every registry must do. Each provider runs this suite through a derived class; expiry is
/// observed in real time with short TTLs, polling with a deadline.
/// </summary>
public abstract class DiscoveryProviderConformanceTests : IAsyncLifetime
{
    protected static readonly TimeSpan LongTtl = TimeSpan.FromMinutes(1);

    protected IDiscoveryProvider Provider { get; private set; } = null!;

    public async Task InitializeAsync() => Provider = await CreateProviderAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected abstract Task<IDiscoveryProvider> CreateProviderAsync();

    protected static ServiceInstance Instance(string id = "mainpc-1", string service = "ModelManagerSuite", string machine = "mainpc", InstanceHealth health = InstanceHealth.Passing) => new()
    {
        ServiceName = service,
        InstanceId = id,
        Machine = machine,
        Endpoints = new Dictionary<string, string> { ["rpc"] = $"tcp://10.0.0.5:7200", ["health"] = "http://10.0.0.5:8200" },
        Version = "1.4.2",
        Metadata = new Dictionary<string, string> { ["gpu"] = "rtx4090" },
        Health = health,
    };

    [SuiteFact]
    public async Task Register_ThenFetch_ReturnsInstanceAsRegistered()
    {
        await Provider.RegisterAsync(Instance(), "owner-a", LongTtl);

        var found = Assert.Single(await Provider.FetchAsync("ModelManagerSuite"));

        Assert.Equal("mainpc-1", found.InstanceId);
        Assert.Equal("mainpc", found.Machine);
        Assert.Equal("tcp://10.0.0.5:7200", found.Endpoint("rpc"));
        Assert.Equal("1.4.2", found.Version);
        Assert.Equal("rtx4090", found.Metadata["gpu"]);
        Assert.Equal(InstanceHealth.Passing, found.Health);
        Assert.NotNull(found.LastHeartbeat);
    }

    [SuiteFact]
    public async Task Register_SameOwnerAgain_RefreshesWithoutDuplicate()
    {
        await Provider.RegisterAsync(Instance(), "owner-a", LongTtl);
        await Provider.RegisterAsync(Instance(health: InstanceHealth.Warning), "owner-a", LongTtl);

        var found = Assert.Single(await Provider.FetchAsync("ModelManagerSuite"));

        Assert.Equal(InstanceHealth.Warning, found.Health);
    }

    [SuiteFact]
    public async Task Register_OtherOwnerWhileLive_RefusedNamingHolderAndFix()
    {
        await Provider.RegisterAsync(Instance(), "owner-a", LongTtl);

        var error = await Assert.ThrowsAsync<RegistrationConflictException>(() => Provider.RegisterAsync(Instance(machine: "pc2"), "owner-b", LongTtl));

        Assert.Contains("'mainpc-1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("machine 'mainpc'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Fleet:Discovery:InstanceId", error.Message, StringComparison.Ordinal);
        Assert.Equal("mainpc", Assert.Single(await Provider.FetchAsync("ModelManagerSuite")).Machine);
    }

    [SuiteFact]
    public async Task Register_OtherOwnerAfterExpiry_TakesOver()
    {
        await Provider.RegisterAsync(Instance(), "owner-a", TimeSpan.FromMilliseconds(300));

        Assert.True(await Poll.UntilAsync(async () => (await Provider.FetchAsync("ModelManagerSuite")).Count == 0, TimeSpan.FromSeconds(10)));
        await Provider.RegisterAsync(Instance(machine: "pc2"), "owner-b", LongTtl);

        Assert.Equal("pc2", Assert.Single(await Provider.FetchAsync("ModelManagerSuite")).Machine);
    }

    [SuiteFact]
    public async Task Fetch_HeartbeatsStop_InstanceExpires()
    {
        await Provider.RegisterAsync(Instance("a"), "owner-a", TimeSpan.FromMilliseconds(400));
        await Provider.RegisterAsync(Instance("b"), "owner-b", LongTtl);

        Assert.True(await Poll.UntilAsync(async () => (await Provider.FetchAsync("ModelManagerSuite")).Count == 1, TimeSpan.FromSeconds(10)));
        Assert.Equal("b", Assert.Single(await Provider.FetchAsync("ModelManagerSuite")).InstanceId);
    }

    [SuiteFact]
    public async Task Deregister_Owner_RemovesAndNotifies()
    {
        await Provider.RegisterAsync(Instance(), "owner-a", LongTtl);
        var notified = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = Provider.WatchChanges(s => notified.TrySetResult(s));
        await Task.Yield();

        await Provider.DeregisterAsync("ModelManagerSuite", "mainpc-1", "owner-a");

        Assert.Empty(await Provider.FetchAsync("ModelManagerSuite"));
        Assert.Equal("ModelManagerSuite", await notified.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [SuiteFact]
    public async Task Deregister_OtherOwner_RefusedAndInstanceKept()
    {
        await Provider.RegisterAsync(Instance(), "owner-a", LongTtl);

        await Assert.ThrowsAsync<RegistrationConflictException>(() => Provider.DeregisterAsync("ModelManagerSuite", "mainpc-1", "owner-b"));

        Assert.Single(await Provider.FetchAsync("ModelManagerSuite"));
    }

    [SuiteFact]
    public async Task Deregister_Absent_Harmless()
    {
        await Provider.DeregisterAsync("Nobody", "nothing", "owner-a");

        Assert.Empty(await Provider.FetchAsync("Nobody"));
    }

    [SuiteFact]
    public async Task FetchAll_SeveralServices_EveryLiveInstance()
    {
        await Provider.RegisterAsync(Instance("m1", "ModelManagerSuite"), "o1", LongTtl);
        await Provider.RegisterAsync(Instance("p1", "MemoryOrchestrator", "pc2"), "o2", LongTtl);
        await Provider.RegisterAsync(Instance("p2", "MemoryOrchestrator", "pc2"), "o3", LongTtl);

        var all = await Provider.FetchAllAsync();

        Assert.Equal(["m1", "p1", "p2"], all.Select(i => i.InstanceId).Order(StringComparer.Ordinal));
    }

    [SuiteFact]
    public async Task WatchChanges_NewInstance_NotifiesServiceName()
    {
        var notified = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = Provider.WatchChanges(s => notified.TrySetResult(s));
        await WaitForSubscriptionAsync();

        await Provider.RegisterAsync(Instance(service: "SpeechToText"), "o1", LongTtl);

        Assert.Equal("SpeechToText", await notified.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [SuiteTheory]
    [InlineData("bad name", "id")]
    [InlineData("Service", "bad:id")]
    [InlineData("", "id")]
    public async Task Register_InvalidNames_RefusedBeforeTouchingTheRegistry(string service, string id)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Provider.RegisterAsync(Instance(id, service), "o", LongTtl));

        Assert.Contains("letters, digits", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Redis subscriptions are set up asynchronously; in-memory ones at once.</summary>
    protected virtual Task WaitForSubscriptionAsync() => Task.CompletedTask;
}

public sealed class InMemoryProviderConformanceTests : DiscoveryProviderConformanceTests
{
    protected override Task<IDiscoveryProvider> CreateProviderAsync() => Task.FromResult<IDiscoveryProvider>(new InMemoryDiscoveryProvider());
}
