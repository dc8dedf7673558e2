using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Discovery.Tests;

public sealed class ServiceResolverTests : IDisposable
{
    private readonly ControllableProvider _provider = new();
    private readonly DiscoveryMetrics _metrics = new(null);
    private readonly List<ServiceResolver> _resolvers = [];

    public void Dispose() => _resolvers.ForEach(r => r.Dispose());

    [Fact]
    public async Task Resolve_SecondTime_ServedFromCacheWithoutAskingTheRegistry()
    {
        await Register("a");
        var resolver = Resolver();

        var first = await resolver.ResolveAsync("Svc");
        var fetches = _provider.Fetches;
        var second = await resolver.ResolveAsync("Svc");

        Assert.Same(first, second);
        Assert.Equal(fetches, _provider.Fetches);
        Assert.False(second.IsStale);
        Assert.Equal("controllable", second.Source);
    }

    [Fact]
    public async Task Resolve_Health_CriticalExcludedWarningAfterPassing()
    {
        await Register("warn", health: InstanceHealth.Warning);
        await Register("dead", health: InstanceHealth.Critical);
        await Register("ok");

        var resolution = await Resolver().ResolveAsync("Svc");

        Assert.Equal(["ok", "warn"], resolution.Instances.Select(i => i.InstanceId));
    }

    [Fact]
    public async Task Resolve_RegistryDownAfterFirstView_ServesLastKnownMarkedStale()
    {
        await Register("a");
        var resolver = Resolver();
        await resolver.ResolveAsync("Svc");

        _provider.Down = true;
        await Assert.ThrowsAsync<DiscoveryUnavailableException>(() => _provider.FetchAsync("Svc"));
        Assert.True(await Poll.UntilAsync(async () => (await resolver.ResolveAsync("Svc")).IsStale, TimeSpan.FromSeconds(10)));
        var stale = await resolver.ResolveAsync("Svc");

        Assert.Equal("a", Assert.Single(stale.Instances).InstanceId);
        Assert.True(stale.Age >= TimeSpan.Zero);
        Assert.False(resolver.Status.Reachable);
    }

    [Fact]
    public async Task Resolve_RegistryBackAfterPartition_ViewCurrentAgain()
    {
        await Register("a");
        var resolver = Resolver();
        await resolver.ResolveAsync("Svc");
        _provider.Down = true;
        Assert.True(await Poll.UntilAsync(async () => (await resolver.ResolveAsync("Svc")).IsStale, TimeSpan.FromSeconds(10)));

        _provider.Down = false;
        await Register("b");

        Assert.True(await Poll.UntilAsync(async () => await resolver.ResolveAsync("Svc") is { IsStale: false, Instances.Count: 2 }, TimeSpan.FromSeconds(10)));
        Assert.True(resolver.Status.Reachable);
    }

    [Fact]
    public async Task Resolve_StaleBeyondMaxStaleness_RefusedSayingHowLong()
    {
        var time = new ManualTimeProvider();
        var provider = new ControllableProvider(time);
        await provider.RegisterAsync(Instance("a"), "o", TimeSpan.FromHours(1));
        var resolver = Resolver(provider, time, o => o.MaxStaleness = TimeSpan.FromMinutes(1));
        await resolver.ResolveAsync("Svc");
        provider.Down = true;

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(await Poll.UntilAsync(async () => (await resolver.ResolveAsync("Svc")).IsStale, TimeSpan.FromSeconds(10)));
        time.Advance(TimeSpan.FromMinutes(2));

        var error = await Assert.ThrowsAsync<ServiceNotFoundException>(async () => await resolver.ResolveAsync("Svc"));
        Assert.Contains("Fleet:Discovery:MaxStaleness", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_NoViewAndRegistryDown_FailsAtOnceNamingTheService()
    {
        _provider.Down = true;

        var error = await Assert.ThrowsAsync<ServiceNotFoundException>(async () => await Resolver().ResolveAsync("Svc"));

        Assert.Contains("'Svc'", error.Message, StringComparison.Ordinal);
        Assert.IsType<DiscoveryUnavailableException>(error.InnerException);
    }

    [Fact]
    public async Task Resolve_RegistryHangs_ReturnsWithinItsDeadline()
    {
        _provider.Hang = true;
        var resolver = Resolver(configure: o => o.ResolveTimeout = TimeSpan.FromMilliseconds(200));
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ServiceNotFoundException>(async () => await resolver.ResolveAsync("Svc"));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
        Assert.Contains("200 ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_ChangeNotified_ViewUpdatedWithoutWaitingForPoll()
    {
        await Register("a");
        var resolver = Resolver(configure: o => o.RefreshInterval = TimeSpan.FromHours(1));
        await resolver.ResolveAsync("Svc");

        await Register("b");

        Assert.True(await Poll.UntilAsync(async () => (await resolver.ResolveAsync("Svc")).Instances.Count == 2, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Resolve_InstanceStopsHeartbeating_GoneWithinTtlPlusOneHeartbeat()
    {
        var time = new ManualTimeProvider();
        var provider = new ControllableProvider(time);
        var ttl = TimeSpan.FromSeconds(10);
        await provider.RegisterAsync(Instance("dying"), "o", ttl);
        await provider.RegisterAsync(Instance("alive"), "o2", TimeSpan.FromHours(1));
        var resolver = Resolver(provider, time, o => o.Ttl = ttl);
        Assert.Equal(2, (await resolver.ResolveAsync("Svc")).Instances.Count);

        time.Advance(ttl + (ttl / 3));

        Assert.True(await Poll.UntilAsync(async () => (await resolver.ResolveAsync("Svc")).Instances.Count == 1, TimeSpan.FromSeconds(10)));
        Assert.Equal("alive", Assert.Single((await resolver.ResolveAsync("Svc")).Instances).InstanceId);
    }

    [Fact]
    public async Task Select_PreferSameMachine_LocalFirstThenAnyWhenNoneLocal()
    {
        await Register("m1", machine: "mainpc");
        await Register("p1", machine: "pc2");
        await Register("p2", machine: "pc2");

        var onPc2 = await Resolver(machine: "pc2").ResolveAsync("Svc");
        var onOther = await Resolver(machine: "pc3").ResolveAsync("Svc");

        Assert.All(Enumerable.Range(0, 10), _ => Assert.Equal("pc2", onPc2.Select().Machine));
        Assert.Equal(3, Enumerable.Range(0, 30).Select(_ => onOther.Select().InstanceId).Distinct().Count());
    }

    [Fact]
    public async Task Select_RoundRobin_EvenSpread()
    {
        await Register("a");
        await Register("b");
        await Register("c");
        var resolution = await Resolver().ResolveAsync("Svc");

        var counts = Enumerable.Range(0, 300).Select(_ => resolution.Select(EndpointSelection.RoundRobin).InstanceId).GroupBy(x => x).Select(g => g.Count()).ToList();

        Assert.Equal([100, 100, 100], counts);
    }

    [Fact]
    public async Task Select_LeastRecentlyFailed_AvoidsTheFailedInstance()
    {
        await Register("a");
        await Register("b");
        var resolver = Resolver();
        var resolution = await resolver.ResolveAsync("Svc");

        resolver.ReportFailure(resolution.Instances.Single(i => i.InstanceId == "a"));

        Assert.All(Enumerable.Range(0, 10), _ => Assert.Equal("b", resolution.Select(EndpointSelection.LeastRecentlyFailed).InstanceId));
    }

    [Fact]
    public async Task SelectEndpoint_NoInstances_ClearError()
    {
        var resolution = await Resolver().ResolveAsync("Ghost");

        Assert.True(resolution.IsEmpty);
        var error = Assert.Throws<ServiceNotFoundException>(() => resolution.SelectEndpoint("rpc"));
        Assert.Contains("'Ghost'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_Service_CurrentStateThenChanges()
    {
        await Register("a");
        var resolver = Resolver();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var changes = resolver.WatchAsync("Svc", cts.Token).GetAsyncEnumerator(cts.Token);

        Assert.True(await changes.MoveNextAsync());
        Assert.Equal(["a"], changes.Current.Added.Select(i => i.InstanceId));

        await Register("b");
        Assert.True(await changes.MoveNextAsync());
        Assert.Equal(["b"], changes.Current.Added.Select(i => i.InstanceId));

        await _provider.DeregisterAsync("Svc", "a", "owner-a");
        Assert.True(await changes.MoveNextAsync());
        Assert.Equal(["a"], changes.Current.Removed.Select(i => i.InstanceId));
        Assert.Equal(["b"], changes.Current.Instances.Select(i => i.InstanceId));
    }

    [Fact]
    public async Task Watch_AllServices_SeesEveryService()
    {
        await Register("a", service: "One");
        var resolver = Resolver();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var changes = resolver.WatchAsync(null, cts.Token).GetAsyncEnumerator(cts.Token);

        Assert.True(await changes.MoveNextAsync());
        Assert.Equal("One", changes.Current.ServiceName);

        await Register("b", service: "Two");
        Assert.True(await changes.MoveNextAsync());
        Assert.Equal("Two", changes.Current.ServiceName);
    }

    private Task Register(string id, string service = "Svc", string machine = "mainpc", InstanceHealth health = InstanceHealth.Passing) =>
        _provider.RegisterAsync(Instance(id, service, machine, health), "owner-" + id, TimeSpan.FromHours(1));

    private static ServiceInstance Instance(string id, string service = "Svc", string machine = "mainpc", InstanceHealth health = InstanceHealth.Passing) => new()
    {
        ServiceName = service,
        InstanceId = id,
        Machine = machine,
        Health = health,
        Endpoints = new Dictionary<string, string> { ["rpc"] = $"tcp://127.0.0.1:7{id.Length}00" },
    };

    private ServiceResolver Resolver(string machine = "mainpc", Action<FleetDiscoveryOptions>? configure = null) =>
        Resolver(_provider, TimeProvider.System, configure, machine);

    private ServiceResolver Resolver(IDiscoveryProvider provider, TimeProvider time, Action<FleetDiscoveryOptions>? configure = null, string machine = "mainpc")
    {
        var options = new FleetDiscoveryOptions { RefreshInterval = TimeSpan.FromMilliseconds(100) };
        if (time is ManualTimeProvider)
        {
            options.RefreshInterval = null;
        }

        configure?.Invoke(options);
        var resolver = new ServiceResolver(provider, options, machine, _metrics, time, NullLogger.Instance);
        _resolvers.Add(resolver);
        return resolver;
    }
}
