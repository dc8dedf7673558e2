using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Discovery.Tests;

public sealed class ServiceRegistrarTests
{
    private static readonly ServiceInstance Agent = new()
    {
        ServiceName = "ModelManagerSuite",
        InstanceId = "mainpc-1",
        Machine = "mainpc",
        Endpoints = new Dictionary<string, string> { ["rpc"] = "tcp://127.0.0.1:7200" },
    };

    [Fact]
    public async Task Register_ThenDispose_VisibleThenDeregistered()
    {
        var provider = new InMemoryDiscoveryProvider();
        var registrar = Registrar(provider);

        var registration = await registrar.RegisterAsync(Agent);

        Assert.True(registration.IsRegistered);
        Assert.Single(await provider.FetchAsync("ModelManagerSuite"));
        await registration.DisposeAsync();
        Assert.Empty(await provider.FetchAsync("ModelManagerSuite"));
        Assert.False(registration.IsRegistered);
    }

    [Fact]
    public async Task HostShutdown_DeregistersEveryLiveRegistration()
    {
        var provider = new InMemoryDiscoveryProvider();
        var services = new ServiceCollection();
        services.AddSingleton<IDiscoveryProvider>(provider);
        services.AddSingleton<IServiceRegistrar>(_ => Registrar(provider));
        var container = services.BuildServiceProvider();
        var registrar = container.GetRequiredService<IServiceRegistrar>();
        await registrar.RegisterAsync(Agent);
        await registrar.RegisterAsync(Agent with { InstanceId = "mainpc-2" });
        Assert.Equal(2, (await provider.FetchAsync("ModelManagerSuite")).Count);

        await container.DisposeAsync();

        Assert.Empty(await provider.FetchAsync("ModelManagerSuite"));
    }

    [Fact]
    public async Task Heartbeat_KeepsRegistrationAliveAcrossManyTtls()
    {
        var time = new ManualTimeProvider();
        var provider = new InMemoryDiscoveryProvider(time);
        var options = new FleetDiscoveryOptions();
        await using var registration = await Registrar(provider, time).RegisterAsync(Agent);
        var start = time.GetUtcNow();

        // Ten heartbeats span three TTLs; after each, the registry holds a heartbeat from that step
        // (timers round to milliseconds, so "from that step" rather than "at that instant").
        for (var beat = 0; beat < 10; beat++)
        {
            Assert.True(await Poll.UntilAsync(() => time.PendingTimers > 0, TimeSpan.FromSeconds(5)), "the heartbeat loop never scheduled its next beat");
            time.Advance(options.EffectiveHeartbeat);
            var now = time.GetUtcNow();
            Assert.True(await Poll.UntilAsync(
                async () => (await provider.FetchAsync("ModelManagerSuite")) is [{ LastHeartbeat: { } heartbeat }] && heartbeat > now - (options.EffectiveHeartbeat / 2),
                TimeSpan.FromSeconds(5)), $"no heartbeat at beat {beat}: now {now:O}, registry has {string.Join(",", (await provider.FetchAsync("ModelManagerSuite")).Select(i => i.LastHeartbeat?.ToString("O")))}, pending timers {time.PendingTimers}");
        }

        Assert.True(registration.IsRegistered);
        Assert.True(time.GetUtcNow() - start >= options.Ttl * 3);
    }

    [Fact]
    public async Task Register_RegistryDownAtStart_ReturnsAtOnceAndRegistersWhenBack()
    {
        var provider = new ControllableProvider { Down = true };
        var registrar = Registrar(provider, options: o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(100));

        await using var registration = await registrar.RegisterAsync(Agent);

        Assert.False(registration.IsRegistered);
        Assert.Contains("registry down", registration.LastError, StringComparison.Ordinal);
        provider.Down = false;
        Assert.True(await Poll.UntilAsync(() => registration.IsRegistered, TimeSpan.FromSeconds(10)));
        Assert.Single(await provider.FetchAsync("ModelManagerSuite"));
    }

    [Fact]
    public async Task Heartbeat_RegistryLostItsData_BackWithinOneHeartbeat()
    {
        var provider = new ControllableProvider();
        var registrar = Registrar(provider, options: o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(100));
        await using var registration = await registrar.RegisterAsync(Agent);

        // What a Redis restarted empty looks like to the registry: the entry is simply gone.
        await provider.Inner.DeregisterAsync("ModelManagerSuite", "mainpc-1", registrar.OwnerToken);

        Assert.True(await Poll.UntilAsync(async () => (await provider.FetchAsync("ModelManagerSuite")).Count == 1, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task SetHealth_PublishedAtOnce()
    {
        var provider = new InMemoryDiscoveryProvider();
        await using var registration = await Registrar(provider, options: o => o.HeartbeatInterval = TimeSpan.FromHours(1)).RegisterAsync(Agent);
        var notified = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = provider.WatchChanges(_ => notified.TrySetResult());

        await registration.SetHealthAsync(InstanceHealth.Warning);

        await notified.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(InstanceHealth.Warning, Assert.Single(await provider.FetchAsync("ModelManagerSuite")).Health);
        Assert.Equal(InstanceHealth.Warning, registration.Instance.Health);
    }

    [Fact]
    public async Task Register_IdHeldByAnotherProcess_ReportsConflictAndKeepsTrying()
    {
        var provider = new InMemoryDiscoveryProvider();
        await provider.RegisterAsync(Agent with { Machine = "pc2" }, "someone-else", TimeSpan.FromMilliseconds(500));

        await using var registration = await Registrar(provider, options: o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(100)).RegisterAsync(Agent);

        Assert.False(registration.IsRegistered);
        Assert.Contains("registered by another process", registration.LastError, StringComparison.Ordinal);
        Assert.True(await Poll.UntilAsync(() => registration.IsRegistered, TimeSpan.FromSeconds(10)));
        Assert.Equal("mainpc", Assert.Single(await provider.FetchAsync("ModelManagerSuite")).Machine);
    }

    private static ServiceRegistrar Registrar(IDiscoveryProvider provider, TimeProvider? time = null, Action<FleetDiscoveryOptions>? options = null)
    {
        var value = new FleetDiscoveryOptions();
        options?.Invoke(value);
        return new ServiceRegistrar(provider, value, TimeSpan.FromSeconds(2), time ?? TimeProvider.System, NullLogger.Instance);
    }
}
