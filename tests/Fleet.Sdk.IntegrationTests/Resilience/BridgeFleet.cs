using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Fleet.Sdk.Messaging;
using Fleet.Sdk.Testing;
using Fleet.Sdk.Tests;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.IntegrationTests.Resilience;

/// <summary>
/// A bridge pair on two machines of their own (bridge1 primary, bridge2 backup) and agents on
/// mainpc and pc2, every cross-machine link through the fault proxy. Each agent machine runs a
/// publisher sending a numbered event every 10 ms and a subscriber recording what arrives; a
/// monitor samples the bridges' states every 5 ms, so "at most one active" is checked all along.
/// </summary>
internal sealed class BridgeFleet : IAsyncDisposable
{
    public static readonly string[] Agents = ["mainpc", "pc2"];

    private readonly Dictionary<string, ZmqContext> _contexts = [];
    private readonly Dictionary<string, (int Front, int Back)> _ports = [];
    private readonly Dictionary<string, FleetBridge> _bridges = [];
    private readonly Dictionary<string, BridgePublisher> _publishers = [];
    private readonly Dictionary<string, Recorder> _recorders = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ListLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggers;
    private int _maxActive;

    private BridgeFleet(FleetCluster cluster)
    {
        Cluster = cluster;
        _loggers = LoggerFactory.Create(logging => logging.AddProvider(_logs));
    }

    public FleetCluster Cluster { get; }

    public FleetBridge Primary => _bridges["bridge1"];

    public FleetBridge Backup => _bridges["bridge2"];

    /// <summary>Gets the most bridges seen active at one sample since the last <see cref="ResetActiveWatch"/>.</summary>
    public int MaxActive => Volatile.Read(ref _maxActive);

    public long Now => _clock.ElapsedMilliseconds;

    public BridgePublisher Publisher(string machine) => _publishers[machine];

    public Recorder Subscriber(string machine) => _recorders[machine];

    public static async Task<BridgeFleet> StartAsync()
    {
        var cluster = await FleetCluster.StartAsync(["bridge1", "bridge2", .. Agents]);
        var fleet = new BridgeFleet(cluster);
        try
        {
            await fleet.StartBridgesAsync();
            fleet.StartAgents();
            fleet._loops.Add(Task.Run(fleet.MonitorAsync));
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    public void ResetActiveWatch() => Volatile.Write(ref _maxActive, ActiveCount());

    public int ActiveCount() => _bridges.Values.Count(b => b.State == BridgeState.Active && !_killed.Contains(b.Name));

    /// <summary>Kills a bridge as a crash would: its sockets close, it says nothing more.</summary>
    public void Kill(string machine)
    {
        _killed.Add(_bridges[machine].Name);
        _bridges[machine].Dispose();
    }

    /// <summary>
    /// Waits until every agent's publisher follows <paramref name="bridge"/> and both subscribers
    /// have received every event published so far, from both publishers. With
    /// <paramref name="stopPublishing"/>, publishing stops first, so <see cref="Lost"/> is final.
    /// </summary>
    public async Task<bool> SettledAsync(string bridge, TimeSpan deadline, bool stopPublishing = false)
    {
        var ok = await Poll.UntilAsync(() => Task.FromResult(Agents.All(a => Publisher(a).ActiveBridge == bridge)), deadline);
        if (stopPublishing)
        {
            Volatile.Write(ref _paused, true);
            await Task.WhenAll(_publishing);
        }

        var published = Agents.ToDictionary(a => a, a => _published[a]);
        return ok && await Poll.UntilAsync(() => Task.FromResult(Agents.All(s => Agents.All(p => Subscriber(s).Count(Publisher(p).PublisherId) >= published[p]))), deadline);
    }

    /// <summary>
    /// Stops publishing and waits until the last event of every publisher reached every subscriber:
    /// traffic flows again. Events lost before it stay lost (see <see cref="Lost"/>), as they may on
    /// the non-durable path when a subscriber's own link fails for longer than the replay window.
    /// </summary>
    public async Task<bool> FlowingAgainAsync(TimeSpan deadline)
    {
        Volatile.Write(ref _paused, true);
        await Task.WhenAll(_publishing);
        foreach (var machine in Agents)
        {
            // One more event after the pause, so "the last one arrived" means traffic flows now.
            Publisher(machine).Publish("agents." + machine, Now.ToString(CultureInfo.InvariantCulture));
            _published.AddOrUpdate(machine, 1, (_, n) => n + 1);
        }

        return await Poll.UntilAsync(() => Task.FromResult(Agents.All(s => Agents.All(p => Subscriber(s).Has(Publisher(p).PublisherId, (ulong)_published[p])))), deadline);
    }

    /// <summary>Describes the pair and the publishers, for failure messages.</summary>
    /// <summary>The bridges' states, whom the publishers follow, and every fail-over the bridges and publishers logged, in order (with why).</summary>
    public string Describe() =>
        $"bridge1 {Primary.State} epoch {Primary.Epoch}, bridge2 {Backup.State} epoch {Backup.Epoch}; publishers follow " +
        string.Join(", ", Agents.Select(a => $"{a}: {Publisher(a).ActiveBridge ?? "none"}")) +
        string.Concat(_logs.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => $"\n  {e.Category[(e.Category.LastIndexOf('.') + 1)..]}: {e.Message}"));

    /// <summary>Gets the events lost on the way from any publisher to any subscriber.</summary>
    public long TotalLost => Agents.Sum(s => Agents.Sum(p => Math.Max(0, Lost(s, p))));

    /// <summary>Events published by <paramref name="publisher"/> that <paramref name="subscriber"/> never received.</summary>
    public long Lost(string subscriber, string publisher) => _published[publisher] - Subscriber(subscriber).Count(Publisher(publisher).PublisherId);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_loops);
        }
        catch (OperationCanceledException)
        {
        }

        foreach (var publisher in _publishers.Values)
        {
            publisher.Dispose();
        }

        foreach (var recorder in _recorders.Values)
        {
            recorder.Dispose();
        }

        foreach (var bridge in _bridges.Values)
        {
            bridge.Dispose();
        }

        foreach (var context in _contexts.Values)
        {
            context.Dispose();
        }

        await Cluster.DisposeAsync();
        _stop.Dispose();
        _loggers.Dispose();
    }

    private readonly ConcurrentDictionary<string, long> _published = new();
    private readonly List<Task> _publishing = [];
    private bool _paused;
    private readonly HashSet<string> _killed = [];

    private ZmqContext Context(string machine)
    {
        if (!_contexts.TryGetValue(machine, out var context))
        {
            // Short ZMTP heartbeats and handshakes: a cut connection is noticed and replaced within about a second.
            context = new ZmqContext(new FleetMessagingOptions
            {
                AgentName = machine,
                Linger = TimeSpan.Zero,
                HeartbeatInterval = TimeSpan.FromMilliseconds(200),
                HeartbeatTimeout = TimeSpan.FromSeconds(1),
                HandshakeTimeout = TimeSpan.FromSeconds(1),
                ReconnectInterval = TimeSpan.FromMilliseconds(100),
                ReconnectIntervalMax = TimeSpan.FromMilliseconds(500),
            });
            _contexts[machine] = context;
        }

        return context;
    }

    private async Task StartBridgesAsync()
    {
        foreach (var machine in new[] { "bridge1", "bridge2" })
        {
            var address = Cluster[machine].Address;
            _ports[machine] = (Tcp.FreePort(address), Tcp.FreePort(address));
            await Cluster.AddServiceAsync(machine, "front", _ports[machine].Front);
            await Cluster.AddServiceAsync(machine, "back", _ports[machine].Back);
        }

        foreach (var (machine, peer, role) in new[] { ("bridge1", "bridge2", BridgeRole.Primary), ("bridge2", "bridge1", BridgeRole.Backup) })
        {
            var address = Cluster[machine].Address;
            var bridge = new FleetBridge(Context(machine), new FleetBridgeOptions
            {
                Name = machine,
                Role = role,
                FrontendEndpoint = $"tcp://{address}:{_ports[machine].Front}",
                BackendEndpoint = $"tcp://{address}:{_ports[machine].Back}",
                PeerEndpoint = ZmqEndpoint(Cluster.GetEndPoint(machine, "back", peer)),
            }, _loggers.CreateLogger<FleetBridge>());
            bridge.Start();
            _bridges[machine] = bridge;
        }
    }

    private void StartAgents()
    {
        foreach (var machine in Agents)
        {
            var options = new FleetBridgeClientOptions();
            foreach (var bridge in new[] { "bridge1", "bridge2" })
            {
                options.Bridges.Add(new BridgeEndpoint { Frontend = ZmqEndpoint(Cluster.GetEndPoint(machine, "front", bridge)), Backend = ZmqEndpoint(Cluster.GetEndPoint(machine, "back", bridge)) });
            }

            _publishers[machine] = new BridgePublisher(Context(machine), options, _loggers.CreateLogger<BridgePublisher>());
            _recorders[machine] = new Recorder(new BridgeSubscriber(Context(machine), options));
            _published[machine] = 0;
            var name = machine;
            var publishing = Task.Run(() => PublishAsync(name));
            _publishing.Add(publishing);
            _loops.Add(publishing);

            // A recorder blocks in TryReceive: on a pool thread, two of them would hold a 2-core machine's whole minimum
            // pool, and the fault proxy's pumps (pool work) would then stall for the pool's thread injection delay,
            // a simulated network pause long enough to fail bridges over.
            _loops.Add(Task.Factory.StartNew(() => _recorders[name].Run(_stop.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        }
    }

    private async Task PublishAsync(string machine)
    {
        var publisher = _publishers[machine];
        while (!_stop.IsCancellationRequested && !Volatile.Read(ref _paused))
        {
            publisher.Publish("agents." + machine, Now.ToString(CultureInfo.InvariantCulture));
            _published.AddOrUpdate(machine, 1, (_, n) => n + 1);
            await Task.Delay(10, _stop.Token).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    private async Task MonitorAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var active = ActiveCount();
            if (active > Volatile.Read(ref _maxActive))
            {
                Volatile.Write(ref _maxActive, active);
            }

            await Task.Delay(5, _stop.Token).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    private static string ZmqEndpoint(IPEndPoint endPoint) => $"tcp://{endPoint.Address}:{endPoint.Port}";

    /// <summary>One agent's subscriber: which events arrived, when, and whether any arrived twice.</summary>
    internal sealed class Recorder(BridgeSubscriber subscriber) : IDisposable
    {
        private readonly ConcurrentDictionary<(ulong Publisher, ulong Sequence), long> _seen = new();
        private long _repeats;
        private long _lastArrival;

        /// <summary>Gets how many events arrived more than once (must stay 0: the subscriber drops repeats).</summary>
        public long Repeats => Interlocked.Read(ref _repeats);

        /// <summary>Gets the publish time (fleet clock, ms) of the newest event received.</summary>
        public long NewestPublishedAt => Interlocked.Read(ref _lastArrival);

        public long Count(ulong publisher) => _seen.Keys.Count(k => k.Publisher == publisher);

        public bool Has(ulong publisher, ulong sequence) => _seen.ContainsKey((publisher, sequence));

        public void Run(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                if (subscriber.TryReceive(TimeSpan.FromMilliseconds(50), out var message) && message.PublisherId is { } publisher)
                {
                    if (!_seen.TryAdd((publisher, message.Sequence!.Value), 0))
                    {
                        Interlocked.Increment(ref _repeats);
                    }

                    var at = long.Parse(message.PayloadText(), CultureInfo.InvariantCulture);
                    if (at > Interlocked.Read(ref _lastArrival))
                    {
                        Interlocked.Exchange(ref _lastArrival, at);
                    }
                }
            }
        }

        public void Dispose() => subscriber.Dispose();
    }
}
