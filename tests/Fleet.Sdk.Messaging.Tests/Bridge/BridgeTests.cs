using System.Diagnostics;
using System.Text;
using Fleet.Sdk.Messaging.Tests.Interop;

namespace Fleet.Sdk.Messaging.Tests.Bridge;

/// <summary>A bridge pair on loopback with real libzmq sockets: forwarding, fail-over without loss, fencing, legacy peers.</summary>
public sealed class BridgeTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly ZmqContext _context = new(new FleetMessagingOptions { Linger = TimeSpan.Zero });
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (var item in Enumerable.Reverse(_owned))
        {
            item.Dispose();
        }

        _context.Dispose();
    }

    [Fact]
    public async Task PairStarts_PrimaryActiveBackupPassive_EventsFlowOnceThroughThePrimary()
    {
        var (primary, backup) = StartPair();
        var publisher = Own(new BridgePublisher(_context, ClientOptions(primary, backup)));
        var subscriber = Own(new BridgeSubscriber(_context, ClientOptions(primary, backup, "gpu.")));

        Assert.True(await Poll.UntilAsync(() => Task.FromResult(publisher.ActiveBridge == "primary"), Deadline));
        Assert.Equal((BridgeState.Active, BridgeState.Passive), (primary.State, backup.State));
        var received = await PublishUntilReceivedAsync(publisher, subscriber, "gpu.load", 20);

        Assert.Equal(Enumerable.Range(1, 20).Select(i => (ulong)i), received.Select(m => m.Sequence!.Value));
        Assert.All(received, m => Assert.Equal(publisher.PublisherId, m.PublisherId));
        Assert.Equal(0, backup.Forwarded);
        Assert.True(primary.Forwarded >= 20);
    }

    [Fact]
    public async Task PrimaryKilledWhilePublishing_BackupTakesOverAndEveryEventArrivesExactlyOnce()
    {
        var (primary, backup) = StartPair();
        var publisher = Own(new BridgePublisher(_context, ClientOptions(primary, backup)));
        var subscriber = Own(new BridgeSubscriber(_context, ClientOptions(primary, backup)));
        Assert.True(await Poll.UntilAsync(() => Task.FromResult(publisher.ActiveBridge == "primary"), Deadline));
        await PublishUntilReceivedAsync(publisher, subscriber, "warmup", 1);

        const int Total = 300;
        var seen = new List<ulong>();
        var watch = Stopwatch.StartNew();
        TimeSpan? tookOver = null;
        for (var i = 1; i <= Total; i++)
        {
            publisher.Publish("jobs", $"job {i}");
            if (i == 100)
            {
                primary.Dispose();
                watch.Restart();
            }

            if (tookOver is null && backup.State == BridgeState.Active)
            {
                tookOver = watch.Elapsed;
            }

            Drain(subscriber, seen, TimeSpan.FromMilliseconds(5));
        }

        Assert.True(await Poll.UntilAsync(() => { Drain(subscriber, seen, TimeSpan.FromMilliseconds(50)); return Task.FromResult(seen.Count >= Total); }, Deadline), $"received {seen.Count} of {Total}");
        Assert.Equal(Enumerable.Range(1, Total).Select(i => (ulong)i), seen.Order());
        Assert.Equal(Total, seen.Distinct().Count());
        Assert.Equal(BridgeState.Active, backup.State);
        Assert.Equal(2, backup.Epoch);
        Assert.Equal("backup", publisher.ActiveBridge);
        Assert.True(publisher.Resent > 0);
        Assert.Equal(0, publisher.Dropped);
        Console.WriteLine($"backup active {tookOver?.TotalMilliseconds ?? -1:0} ms after the primary was killed; {publisher.Resent} resent, {subscriber.DuplicatesDropped} duplicates dropped");
    }

    [Fact]
    public async Task NoBridgeReachable_PublisherHoldsEventsAndDeliversThemWhenABridgeStarts()
    {
        var frontend = $"tcp://127.0.0.1:{Tcp.FreePort()}";
        var backend = $"tcp://127.0.0.1:{Tcp.FreePort()}";
        var options = new FleetBridgeClientOptions { Bridges = { new BridgeEndpoint { Frontend = frontend, Backend = backend } } };
        var publisher = Own(new BridgePublisher(_context, options));
        var subscriber = Own(new BridgeSubscriber(_context, options));
        for (var i = 0; i < 50; i++)
        {
            publisher.Publish("held", $"event {i}");
        }

        Assert.Null(publisher.ActiveBridge);
        Own(Start(new FleetBridgeOptions { Name = "late", FrontendEndpoint = frontend, BackendEndpoint = backend }));

        var seen = new List<ulong>();
        Assert.True(await Poll.UntilAsync(() => { Drain(subscriber, seen, TimeSpan.FromMilliseconds(50)); return Task.FromResult(seen.Count >= 50); }, Deadline), $"received {seen.Count} of 50");
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (ulong)i), seen.Order());
        Assert.Equal(0, publisher.Dropped);
    }

    [Fact]
    public void MoreHeldThanTheBuffer_OldestDroppedAndCounted()
    {
        var options = new FleetBridgeClientOptions { MaxBuffered = 10, Bridges = { new BridgeEndpoint { Frontend = $"tcp://127.0.0.1:{Tcp.FreePort()}", Backend = $"tcp://127.0.0.1:{Tcp.FreePort()}" } } };
        var publisher = Own(new BridgePublisher(_context, options));

        for (var i = 0; i < 25; i++)
        {
            publisher.Publish("held", "x");
        }

        Assert.Equal(15, publisher.Dropped);
    }

    [Fact]
    public void InvalidOptions_EveryProblemListed()
    {
        var bridge = Assert.Throws<ArgumentException>(() => new FleetBridge(_context, new FleetBridgeOptions { PeerTimeout = TimeSpan.FromMilliseconds(100) }));
        Assert.Contains("FrontendEndpoint is not set", bridge.Message, StringComparison.Ordinal);
        Assert.Contains("BackendEndpoint is not set", bridge.Message, StringComparison.Ordinal);
        Assert.Contains("three beacon intervals", bridge.Message, StringComparison.Ordinal);

        var client = Assert.Throws<ArgumentException>(() => new BridgePublisher(_context, new FleetBridgeClientOptions { ResendWindow = TimeSpan.FromMilliseconds(10) }));
        Assert.Contains("Bridges is empty", client.Message, StringComparison.Ordinal);
        Assert.Contains("ResendWindow", client.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReservedTopic_RefusedSayingWhy()
    {
        var publisher = Own(new BridgePublisher(_context, new FleetBridgeClientOptions { Bridges = { new BridgeEndpoint { Frontend = "tcp://127.0.0.1:1", Backend = "tcp://127.0.0.1:2" } } }));

        var error = Assert.Throws<ArgumentException>(() => publisher.Publish("$fleet.bridge.x", "nope"));

        Assert.Contains("reserve", error.Message, StringComparison.Ordinal);
    }

    [PyZmqFact]
    public async Task UnchangedPyZmqPeers_PublishAndSubscribeThroughTheActiveBridge()
    {
        var (primary, _) = StartPair();
        Assert.True(await Poll.UntilAsync(() => Task.FromResult(primary.State == BridgeState.Active), Deadline));
        using var subscriber = PythonProcess.Start(PyZmqAgents.Subscriber, primary.BackendEndpoint, "model.");
        Assert.Equal("SUBSCRIBED", await subscriber.ReadLineAsync());
        using var publisher = PythonProcess.Start(PyZmqAgents.ConnectingPublisher, primary.FrontendEndpoint, "model.loaded");

        Assert.StartsWith("model.loaded {\"n\": ", await subscriber.ReadLineAsync(), StringComparison.Ordinal);
    }

    private static void Drain(BridgeSubscriber subscriber, List<ulong> seen, TimeSpan wait)
    {
        while (subscriber.TryReceive(wait, out var message))
        {
            if (message.Topic == "jobs" || message.Topic == "held")
            {
                seen.Add(message.Sequence!.Value);
            }

            wait = TimeSpan.Zero;
        }
    }

    private static async Task<List<EventMessage>> PublishUntilReceivedAsync(BridgePublisher publisher, BridgeSubscriber subscriber, string topic, int count)
    {
        var received = new List<EventMessage>();
        for (var i = 0; i < count; i++)
        {
            publisher.Publish(topic, Encoding.UTF8.GetBytes($"{i}"));
        }

        Assert.True(await Poll.UntilAsync(
            () =>
            {
                while (subscriber.TryReceive(TimeSpan.FromMilliseconds(20), out var message))
                {
                    if (message.Topic == topic)
                    {
                        received.Add(message);
                    }
                }

                return Task.FromResult(received.Count >= count);
            },
            Deadline));
        return received;
    }

    private (FleetBridge Primary, FleetBridge Backup) StartPair()
    {
        var ports = Enumerable.Range(0, 4).Select(_ => Tcp.FreePort()).ToArray();
        var primary = Own(Start(new FleetBridgeOptions
        {
            Name = "primary",
            Role = BridgeRole.Primary,
            FrontendEndpoint = $"tcp://127.0.0.1:{ports[0]}",
            BackendEndpoint = $"tcp://127.0.0.1:{ports[1]}",
            PeerEndpoint = $"tcp://127.0.0.1:{ports[3]}",
        }));
        var backup = Own(Start(new FleetBridgeOptions
        {
            Name = "backup",
            Role = BridgeRole.Backup,
            FrontendEndpoint = $"tcp://127.0.0.1:{ports[2]}",
            BackendEndpoint = $"tcp://127.0.0.1:{ports[3]}",
            PeerEndpoint = $"tcp://127.0.0.1:{ports[1]}",
        }));
        return (primary, backup);
    }

    private static FleetBridgeClientOptions ClientOptions(FleetBridge primary, FleetBridge backup, string? topic = null)
    {
        var options = new FleetBridgeClientOptions
        {
            Bridges =
            {
                new BridgeEndpoint { Frontend = primary.FrontendEndpoint, Backend = primary.BackendEndpoint },
                new BridgeEndpoint { Frontend = backup.FrontendEndpoint, Backend = backup.BackendEndpoint },
            },
        };
        if (topic is not null)
        {
            options.Topics.Add(topic);
        }

        return options;
    }

    private FleetBridge Start(FleetBridgeOptions options)
    {
        var bridge = new FleetBridge(_context, options);
        bridge.Start();
        return bridge;
    }

    private T Own<T>(T item)
        where T : IDisposable
    {
        _owned.Add(item);
        return item;
    }
}
