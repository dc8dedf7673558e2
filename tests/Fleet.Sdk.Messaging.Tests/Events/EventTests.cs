using System.Text;

namespace Fleet.Sdk.Messaging.Tests.Events;

public sealed class EventTests : IDisposable
{
    private readonly ZmqContext _context = new();

    public void Dispose() => _context.Dispose();

    [Fact]
    public void Publish_FleetFormat_SequencesPerTopicWithoutGaps()
    {
        using var publisher = Publisher("inproc://events-seq", EventFormat.Fleet);
        using var subscriber = Subscriber("inproc://events-seq", "sensor.");
        WaitUntilSubscribed(publisher, subscriber, "sensor.warmup");

        for (var i = 1; i <= 5; i++)
        {
            publisher.Publish("sensor.gpu", $"reading {i}");
            publisher.Publish("sensor.cpu", $"reading {i}");
        }

        publisher.Publish("other.topic", "filtered out");
        var messages = Enumerable.Range(0, 10).Select(_ => Receive(subscriber)).ToList();

        Assert.All(messages, m => Assert.Equal(EventFormat.Fleet, m.Format));
        Assert.All(messages, m => Assert.Equal(publisher.PublisherId, m.PublisherId));
        Assert.All(messages, m => Assert.Equal(0, m.Missed));
        Assert.Equal([1ul, 2, 3, 4, 5], messages.Where(m => m.Topic == "sensor.gpu").Select(m => m.Sequence!.Value));
        Assert.Equal("reading 5", messages.Last(m => m.Topic == "sensor.cpu").PayloadText());
        Assert.False(subscriber.TryReceive(TimeSpan.FromMilliseconds(50), out _));
        Assert.Equal(0, subscriber.MissedTotal);
    }

    [Fact]
    public void Subscriber_FallsBehindHighWaterMark_GapDetectedAndCounted()
    {
        using var context = new ZmqContext(new FleetMessagingOptions { SendHighWatermark = 10, ReceiveHighWatermark = 10 });
        using var publisher = new EventPublisher(context, new EventPublisherOptions { BindEndpoints = { "inproc://events-gap" } });
        using var subscriber = new EventSubscriber(context, new EventSubscriberOptions { Endpoints = { "inproc://events-gap" } });
        WaitUntilSubscribed(publisher, subscriber, "warmup");

        const int Published = 2_000;
        for (var i = 0; i < Published; i++)
        {
            publisher.Publish("flood", Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var received = new List<EventMessage>();
        while (subscriber.TryReceive(TimeSpan.FromMilliseconds(200), out var message))
        {
            received.Add(message);
        }

        // A gap shows when the next event after the dropped ones arrives.
        publisher.Publish("flood", "last"u8);
        Assert.True(subscriber.TryReceive(TimeSpan.FromSeconds(5), out var last));
        received.Add(last);

        Assert.InRange(received.Count, 2, Published);
        Assert.Equal((ulong)Published + 1, last.Sequence);
        Assert.True(last.Missed > 0);
        Assert.True(subscriber.MissedTotal > 0);
        var span = (long)(received[^1].Sequence!.Value - received[0].Sequence!.Value + 1);
        Assert.Equal(span, received.Count + received.Sum(m => m.Missed));
    }

    [Fact]
    public void Publish_LegacyFormat_TwoFramesLikePython()
    {
        using var publisher = Publisher("inproc://events-legacy", EventFormat.Legacy);
        using var raw = _context.CreateSocket(ZmqSocketType.Sub);
        raw.Subscribe("status");
        raw.Connect("inproc://events-legacy");

        List<byte[]>? frames = null;
        Assert.True(SpinWait.SpinUntil(
            () =>
            {
                publisher.PublishJson("status", new { ok = true });
                return raw.TryReceiveMultipartBytes(TimeSpan.FromMilliseconds(20), out frames);
            },
            TimeSpan.FromSeconds(5)));

        Assert.Equal(2, frames!.Count);
        Assert.Equal("status", Encoding.UTF8.GetString(frames[0]));
        Assert.Equal("""{"ok":true}""", Encoding.UTF8.GetString(frames[1]));
    }

    [Fact]
    public void Subscriber_LegacyAndSingleFrameMessages_Received()
    {
        using var pub = _context.CreateSocket(ZmqSocketType.Pub);
        pub.Bind("inproc://events-raw");
        using var subscriber = Subscriber("inproc://events-raw");
        Assert.True(SpinWait.SpinUntil(
            () =>
            {
                pub.SendMultipart(["probe"u8.ToArray(), "x"u8.ToArray()]);
                return subscriber.TryReceive(TimeSpan.FromMilliseconds(20), out _);
            },
            TimeSpan.FromSeconds(5)));
        while (subscriber.TryReceive(TimeSpan.FromMilliseconds(20), out _))
        {
        }

        pub.SendMultipart(["alerts"u8.ToArray(), "disk full"u8.ToArray()]);
        pub.SendFrame("alerts.one-frame hello");
        pub.SendMultipart(["a"u8.ToArray(), "b"u8.ToArray(), "c"u8.ToArray(), "d"u8.ToArray()]);
        pub.SendMultipart(["after"u8.ToArray(), "ok"u8.ToArray()]);

        var legacy = Receive(subscriber);
        var single = Receive(subscriber);
        var after = Receive(subscriber);

        Assert.Equal(("alerts", "disk full", EventFormat.Legacy), (legacy.Topic, legacy.PayloadText(), legacy.Format));
        Assert.Equal((string.Empty, "alerts.one-frame hello"), (single.Topic, single.PayloadText()));
        Assert.Equal("after", after.Topic);
    }

    [Fact]
    public void Subscriber_PublisherRestartsOnSameEndpoint_ReconnectsAndSeesNewPublisher()
    {
        var endpoint = ClosedTcpEndpoint();
        using var context = new ZmqContext(new FleetMessagingOptions { ReconnectInterval = TimeSpan.FromMilliseconds(20), ReconnectIntervalMax = TimeSpan.FromMilliseconds(100) });
        using var subscriber = new EventSubscriber(context, new EventSubscriberOptions { Endpoints = { endpoint } });
        ulong firstId;
        using (var first = new EventPublisher(context, new EventPublisherOptions { BindEndpoints = { endpoint } }))
        {
            firstId = first.PublisherId;
            WaitUntilSubscribed(first, subscriber, "hello");
        }

        // libzmq closes the first listener on its I/O thread, after zmq_close returns: rebind until the port is free.
        using var second = BindWhenFree(() => new EventPublisher(context, new EventPublisherOptions { BindEndpoints = { endpoint } }));
        WaitUntilSubscribed(second, subscriber, "again");
        second.Publish("after-restart", "payload");

        var message = Receive(subscriber);
        Assert.Equal("after-restart", message.Topic);
        Assert.NotEqual(firstId, message.PublisherId);
        Assert.Equal(0, message.Missed);
    }

    private static EventPublisher BindWhenFree(Func<EventPublisher> create)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return create();
            }
            catch (ZmqException ex) when (ex.Message.Contains("Address already in use", StringComparison.Ordinal) && deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Yield();
            }
        }
    }

    [Fact]
    public void GapDetector_Sequences_MissedCountedPerPublisherAndTopic()
    {
        var detector = new EventGapDetector();

        Assert.Equal(0, detector.Observe(1, "a", 7));
        Assert.Equal(0, detector.Observe(1, "a", 8));
        Assert.Equal(3, detector.Observe(1, "a", 12));
        Assert.Equal(0, detector.Observe(1, "b", 100));
        Assert.Equal(0, detector.Observe(2, "a", 1));
        Assert.Equal(0, detector.Observe(1, "a", 5));
    }

    [Fact]
    public void Publisher_NoEndpoint_RefusedWithExample()
    {
        var error = Assert.Throws<ArgumentException>(() => new EventPublisher(_context, new EventPublisherOptions()));

        Assert.Contains("BindEndpoints or ConnectEndpoints", error.Message, StringComparison.Ordinal);
    }

    private static string ClosedTcpEndpoint() => Rpc.ClosedPort.Endpoint();

    private static EventMessage Receive(EventSubscriber subscriber)
    {
        Assert.True(subscriber.TryReceive(TimeSpan.FromSeconds(5), out var message), "no event within 5 s");
        return message;
    }

    /// <summary>Publishes a probe until the subscriber gets one (subscriptions propagate asynchronously), then drains probes.</summary>
    private static void WaitUntilSubscribed(EventPublisher publisher, EventSubscriber subscriber, string topic)
    {
        Assert.True(SpinWait.SpinUntil(
            () =>
            {
                publisher.Publish(topic, "probe");
                return subscriber.TryReceive(TimeSpan.FromMilliseconds(20), out _);
            },
            TimeSpan.FromSeconds(5)));
        while (subscriber.TryReceive(TimeSpan.FromMilliseconds(20), out _))
        {
        }
    }

    private EventPublisher Publisher(string endpoint, EventFormat format) =>
        new(_context, new EventPublisherOptions { BindEndpoints = { endpoint }, Format = format });

    private EventSubscriber Subscriber(string endpoint, params string[] topics)
    {
        var options = new EventSubscriberOptions { Endpoints = { endpoint } };
        foreach (var topic in topics)
        {
            options.Topics.Add(topic);
        }

        return new EventSubscriber(_context, options);
    }
}
