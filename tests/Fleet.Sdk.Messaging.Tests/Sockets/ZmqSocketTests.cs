using System.Diagnostics;
using System.Text;
using Fleet.Sdk.Security;

namespace Fleet.Sdk.Messaging.Tests.Sockets;

public sealed class ZmqSocketTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly ZmqContext _context = new();

    public void Dispose() => _context.Dispose();

    [Fact]
    public void Bind_RandomPort_ReturnsResolvedEndpoint()
    {
        using var socket = _context.CreateSocket(ZmqSocketType.Pull);

        var endpoint = socket.Bind("tcp://127.0.0.1:*");

        Assert.Matches(@"^tcp://127\.0\.0\.1:\d+$", endpoint);
        Assert.NotEqual("tcp://127.0.0.1:0", endpoint);
        Assert.Equal(endpoint, socket.LastEndpoint);
    }

    [Fact]
    public void PushPull_FramesOfEverySize_ArriveIntact()
    {
        using var pull = _context.CreateSocket(ZmqSocketType.Pull);
        using var push = _context.CreateSocket(ZmqSocketType.Push);
        push.Connect(pull.Bind("tcp://127.0.0.1:*"));
        var sizes = new[] { 0, 1, 33, 64, 4096, 70_000, 1 << 20 };

        foreach (var size in sizes)
        {
            Assert.True(push.TrySend(Payload(size), Wait));
        }

        using var frame = new ZmqFrame();
        foreach (var size in sizes)
        {
            Assert.True(pull.TryReceive(frame, Wait));
            Assert.Equal(Payload(size), frame.ToArray());
            Assert.False(frame.More);
        }
    }

    [Fact]
    public void TryReceive_BufferTooSmall_ReportsFullSizeAndTruncates()
    {
        using var pull = _context.CreateSocket(ZmqSocketType.Pull);
        using var push = _context.CreateSocket(ZmqSocketType.Push);
        push.Connect(pull.Bind("inproc://truncate"));
        push.Send(Payload(100));

        var buffer = new byte[10];
        Assert.True(pull.TryReceive(buffer, Wait, out var size));

        Assert.Equal(100, size);
        Assert.Equal(Payload(100)[..10], buffer);
    }

    [Fact]
    public void TryReceive_NothingSent_ReturnsFalseAfterTimeout()
    {
        using var pull = _context.CreateSocket(ZmqSocketType.Pull);
        pull.Bind("inproc://silent");
        var watch = Stopwatch.StartNew();

        Assert.False(pull.TryReceive(new byte[8], TimeSpan.FromMilliseconds(100), out _));
        Assert.False(pull.TryReceiveFrameString(TimeSpan.Zero, out var text));

        Assert.Null(text);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(90), $"returned after {watch.Elapsed}");
    }

    [Fact]
    public void ReqRep_RoundTrip_RepliesInOrder()
    {
        using var rep = _context.CreateSocket(ZmqSocketType.Rep);
        using var req = _context.CreateSocket(ZmqSocketType.Req);
        req.Connect(rep.Bind("tcp://127.0.0.1:*"));

        for (var i = 0; i < 3; i++)
        {
            req.SendFrame($"ping {i}");
            Assert.Equal($"ping {i}", rep.ReceiveFrameString());
            rep.SendFrame($"pong {i}");
            Assert.Equal($"pong {i}", req.ReceiveFrameString());
        }
    }

    [Fact]
    public void Req_SendTwiceWithoutReceive_ThrowsWithStateHint()
    {
        using var req = _context.CreateSocket(ZmqSocketType.Req);
        using var rep = _context.CreateSocket(ZmqSocketType.Rep);
        req.Connect(rep.Bind("inproc://fsm"));
        req.SendFrame("one");

        var error = Assert.Throws<ZmqException>(() => req.SendFrame("two"));

        Assert.StartsWith("zmq_send: Operation cannot be accomplished in current state (code 156384763).", error.Message, StringComparison.Ordinal);
        Assert.Contains("a REQ socket must alternate send and receive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DealerRouter_Multipart_RoutedByIdentity()
    {
        using var router = _context.CreateSocket(ZmqSocketType.Router);
        using var dealer = _context.CreateSocket(ZmqSocketType.Dealer);
        dealer.RoutingId = "agent-7"u8.ToArray();
        dealer.Connect(router.Bind("tcp://127.0.0.1:*"));

        dealer.SendMultipart([[], "a"u8.ToArray(), "b"u8.ToArray()]);
        var request = router.ReceiveMultipartBytes();
        router.SendMultipart([request[0], [], "reply"u8.ToArray()]);
        var reply = dealer.ReceiveMultipartStrings();

        Assert.Equal(["agent-7", "", "a", "b"], request.Select(f => Encoding.UTF8.GetString(f)));
        Assert.Equal(["", "reply"], reply);
    }

    [Fact]
    public async Task PubSub_TopicPrefix_OnlyMatchingTopicsDelivered()
    {
        using var pub = _context.CreateSocket(ZmqSocketType.Pub);
        using var sub = _context.CreateSocket(ZmqSocketType.Sub);
        sub.Subscribe("weather.");
        sub.Connect(pub.Bind("tcp://127.0.0.1:*"));

        // Subscriptions travel asynchronously: publish until the first one lands (the slow-joiner rule).
        List<string>? received = null;
        Assert.True(await Eventually.TrueAsync(() =>
        {
            pub.SendMultipart(["traffic.a1"u8.ToArray(), "jam"u8.ToArray()]);
            pub.SendMultipart(["weather.oslo"u8.ToArray(), "rain"u8.ToArray()]);
            if (sub.TryReceiveMultipartBytes(TimeSpan.FromMilliseconds(20), out var frames))
            {
                received = frames!.ConvertAll(f => Encoding.UTF8.GetString(f));
            }

            return received is not null;
        }));

        Assert.Equal(["weather.oslo", "rain"], received);
    }

    [Fact]
    public async Task XPubXSub_Subscription_ReachesPublisherAsMessage()
    {
        using var xpub = _context.CreateSocket(ZmqSocketType.XPub);
        using var xsub = _context.CreateSocket(ZmqSocketType.XSub);
        xsub.Connect(xpub.Bind("tcp://127.0.0.1:*"));

        xsub.Send([1, .. "news"u8]);
        byte[]? subscription = null;
        Assert.True(await Eventually.TrueAsync(() => xpub.TryReceiveFrameBytes(TimeSpan.FromMilliseconds(50), out subscription, out _)));

        Assert.Equal([1, .. "news"u8], subscription);
    }

    [Fact]
    public void Options_SetOnSocket_ReadBack()
    {
        using var socket = _context.CreateSocket(ZmqSocketType.Dealer);

        socket.Linger = TimeSpan.FromMilliseconds(250);
        socket.SendHighWatermark = 10;
        socket.ReceiveHighWatermark = 20;
        socket.MaxMessageSize = 1234;
        socket.HeartbeatInterval = TimeSpan.FromSeconds(2);
        socket.HeartbeatTimeout = TimeSpan.FromSeconds(7);
        socket.ReconnectInterval = TimeSpan.FromMilliseconds(50);
        socket.ReconnectIntervalMax = TimeSpan.FromSeconds(3);
        socket.TcpKeepAlive = true;
        socket.TcpKeepAliveIdle = TimeSpan.FromSeconds(30);
        socket.HandshakeTimeout = TimeSpan.FromSeconds(4);
        socket.Immediate = true;
        socket.RoutingId = [1, 2, 3];

        Assert.Equal(TimeSpan.FromMilliseconds(250), socket.Linger);
        Assert.Equal(10, socket.SendHighWatermark);
        Assert.Equal(20, socket.ReceiveHighWatermark);
        Assert.Equal(1234, socket.MaxMessageSize);
        Assert.Equal(TimeSpan.FromSeconds(2), socket.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(7), socket.HeartbeatTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(50), socket.ReconnectInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), socket.ReconnectIntervalMax);
        Assert.True(socket.TcpKeepAlive);
        Assert.Equal(TimeSpan.FromSeconds(30), socket.TcpKeepAliveIdle);
        Assert.Equal(TimeSpan.FromSeconds(4), socket.HandshakeTimeout);
        Assert.True(socket.Immediate);
        Assert.Equal([1, 2, 3], socket.RoutingId);
    }

    [Fact]
    public void CreateSocket_ContextDefaults_Applied()
    {
        var options = new FleetMessagingOptions { Linger = TimeSpan.FromMilliseconds(300), SendHighWatermark = 77, MaxMessageSize = 4096, HeartbeatInterval = TimeSpan.FromSeconds(3), HeartbeatTimeout = TimeSpan.FromSeconds(9) };
        using var context = new ZmqContext(options);
        using var socket = context.CreateSocket(ZmqSocketType.Router);

        Assert.Equal(TimeSpan.FromMilliseconds(300), socket.Linger);
        Assert.Equal(77, socket.SendHighWatermark);
        Assert.Equal(4096, socket.MaxMessageSize);
        Assert.Equal(TimeSpan.FromSeconds(3), socket.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(9), socket.HeartbeatTimeout);
        Assert.True(socket.TcpKeepAlive);
        Assert.Equal(TimeSpan.FromSeconds(10), socket.HandshakeTimeout);
    }

    [Fact]
    public void DefaultOptions_MaxMessageSize_Is1MiB()
    {
        using var socket = _context.CreateSocket(ZmqSocketType.Pull);

        Assert.Equal(1024 * 1024, socket.MaxMessageSize);
        Assert.Equal(TimeSpan.FromSeconds(1), socket.Linger);
    }

    [Theory]
    [InlineData("tcp://10.1.2.3:7000", true, "CURVE is required")]
    [InlineData("tcp://192.0.2.10:7000", false, "CURVE is required")]
    [InlineData("tcp://*:7000", true, "listens on every network interface")]
    public void BindOrConnect_PolicyForbids_RefusedBeforeLibzmq(string endpoint, bool bind, string expected)
    {
        using var socket = _context.CreateSocket(ZmqSocketType.Dealer);

        var error = Assert.Throws<FleetSecurityException>(() =>
        {
            if (bind)
            {
                socket.Bind(endpoint);
            }
            else
            {
                socket.Connect(endpoint);
            }
        });

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Null(socket.LastEndpoint);
    }

    [Fact]
    public void Bind_AddressInUse_ExplainsOperationAndFix()
    {
        using var first = _context.CreateSocket(ZmqSocketType.Pull);
        using var second = _context.CreateSocket(ZmqSocketType.Pull);
        var endpoint = first.Bind("tcp://127.0.0.1:*");

        var error = Assert.Throws<ZmqException>(() => second.Bind(endpoint));

        Assert.StartsWith($"zmq_bind {endpoint}: Address already in use (code 98).", error.Message, StringComparison.Ordinal);
        Assert.Contains("bind port * for a free one", error.Message, StringComparison.Ordinal);
        Assert.Equal(98, error.ErrorCode);
    }

    [Fact]
    public void Monitor_PeerConnects_HandshakeSucceededReported()
    {
        using var router = _context.CreateSocket(ZmqSocketType.Router);
        using var monitor = router.Monitor();
        using var dealer = _context.CreateSocket(ZmqSocketType.Dealer);
        dealer.Connect(router.Bind("tcp://127.0.0.1:*"));

        var seen = new List<ZmqMonitorEvents>();
        var deadline = DateTime.UtcNow + Wait;
        while (!seen.Contains(ZmqMonitorEvents.HandshakeSucceeded) && DateTime.UtcNow < deadline)
        {
            if (monitor.TryReceive(TimeSpan.FromMilliseconds(100), out var monitorEvent))
            {
                seen.Add(monitorEvent.Event);
            }
        }

        Assert.Contains(ZmqMonitorEvents.Listening, seen);
        Assert.Contains(ZmqMonitorEvents.Accepted, seen);
        Assert.Contains(ZmqMonitorEvents.HandshakeSucceeded, seen);
    }

    [Fact]
    public async Task Monitor_DisposedWhileSocketStillReportsEvents_ContextKeepsWorking()
    {
        // A peer that accepts and hangs up at once: the dealer reconnects every 10 ms, and each attempt is an event.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var accepted = 0;
        using var stop = new CancellationTokenSource();
        var acceptLoop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var peer = await listener.AcceptSocketAsync(stop.Token);
                Interlocked.Increment(ref accepted);
            }
        });
        using var dealer = _context.CreateSocket(ZmqSocketType.Dealer);
        dealer.ReconnectInterval = TimeSpan.FromMilliseconds(10);
        var monitor = dealer.Monitor();
        dealer.Connect($"tcp://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}");
        Assert.True(monitor.TryReceive(Wait, out _));

        monitor.Dispose();
        var before = Volatile.Read(ref accepted);

        // Were libzmq still writing events to the closed monitor, its I/O thread would block on the first one:
        // no more reconnections, and no other connection of the context would work either.
        var deadline = DateTime.UtcNow + Wait;
        while (Volatile.Read(ref accepted) < before + 5 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        using var pull = _context.CreateSocket(ZmqSocketType.Pull);
        using var push = _context.CreateSocket(ZmqSocketType.Push);
        push.Connect(pull.Bind("tcp://127.0.0.1:*"));
        Assert.True(push.TrySend("after"u8, Wait));
        Assert.True(pull.TryReceiveFrameString(Wait, out var text));
        Assert.Equal("after", text);
        Assert.True(Volatile.Read(ref accepted) >= before + 5, $"the dealer stopped reconnecting after {accepted - before} attempts: the I/O thread is blocked");
        await stop.CancelAsync();
        listener.Stop();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => acceptLoop);
    }

    [Fact]
    public void Poller_TwoSockets_ReportsTheReadyOne()
    {
        using var quiet = _context.CreateSocket(ZmqSocketType.Pull);
        using var busy = _context.CreateSocket(ZmqSocketType.Pull);
        using var push = _context.CreateSocket(ZmqSocketType.Push);
        quiet.Bind("inproc://quiet");
        push.Connect(busy.Bind("inproc://busy"));
        var poller = new ZmqPoller();
        var quietIndex = poller.Add(quiet);
        var busyIndex = poller.Add(busy);

        Assert.Equal(0, poller.Poll(TimeSpan.FromMilliseconds(10)));
        push.SendFrame("hello");
        Assert.Equal(1, poller.Poll(Wait));

        Assert.False(poller.IsReady(quietIndex));
        Assert.True(poller.IsReady(busyIndex));
    }

    [Fact]
    public void Send_AfterDispose_ThrowsObjectDisposed()
    {
        var socket = _context.CreateSocket(ZmqSocketType.Push);
        socket.Dispose();
        socket.Dispose();

        Assert.True(socket.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => socket.SendFrame("late"));
    }

    [Fact]
    public async Task ContextDispose_ThreadBlockedInReceive_WakesWithContextTerminated()
    {
        var context = new ZmqContext();
        var pull = context.CreateSocket(ZmqSocketType.Pull);
        pull.Bind("inproc://blocked");
        using var started = new ManualResetEventSlim();
        var receiver = Task.Run(() =>
        {
            started.Set();
            return Record.Exception(() => pull.ReceiveFrameBytes());
        });
        started.Wait(Wait);
        await Task.Delay(50);

        var watch = Stopwatch.StartNew();
        context.Dispose();
        var error = await receiver.WaitAsync(Wait);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"disposal took {watch.Elapsed}");
        Assert.True(error is ObjectDisposedException || error is ZmqException { IsContextTerminated: true }, $"unexpected: {error}");
        Assert.True(pull.IsDisposed);
        Assert.Equal(0, context.SocketCount);
    }

    [Fact]
    public void ContextDispose_UnsentMessagesToAbsentPeer_BoundedByLinger()
    {
        var context = new ZmqContext(new FleetMessagingOptions { Linger = TimeSpan.FromMilliseconds(200) });
        var push = context.CreateSocket(ZmqSocketType.Push);
        push.Connect("tcp://127.0.0.1:1"); // nothing listens: messages queue for a peer that never comes
        for (var i = 0; i < 10; i++)
        {
            Assert.True(push.TrySend("queued"u8, TimeSpan.Zero));
        }

        var watch = Stopwatch.StartNew();
        context.Dispose();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"disposal took {watch.Elapsed}");
        Assert.Throws<ObjectDisposedException>(() => context.CreateSocket(ZmqSocketType.Pull));
    }

    private static byte[] Payload(int size) => Enumerable.Range(0, size).Select(i => (byte)(i * 31)).ToArray();
}
