using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Testing;

/// <summary>
/// Simulated machines on one host. Each machine has its own loopback address; every link from a
/// machine to a service on another machine (agent to agent, machine to Redis) goes through its
/// own Toxiproxy proxy, so a test can partition two machines (both ways or one way), isolate one,
/// cut one from Redis, slow a link, flap it, and heal. <see cref="GetEndPoint(string, string)"/>
/// answers "what does machine X dial to reach service S".
/// </summary>
/// <example>
/// <code>
/// await using var cluster = await FleetCluster.StartAsync(["mainpc", "pc2"]);
/// await cluster.AddServiceAsync("pc2", "agent", agentPort);   // agent listens on cluster["pc2"].Address
/// var target = cluster.GetEndPoint("mainpc", "agent");        // what mainpc dials
/// await cluster.PartitionAsync("mainpc", "pc2");
/// await cluster.HealAsync();
/// </code>
/// </example>
public sealed partial class FleetCluster : IAsyncDisposable
{
    private const string PartitionToxic = "fleet_partition";
    private const string LatencyToxic = "fleet_latency";
    private const string BandwidthToxic = "fleet_bandwidth";
    private static readonly TimeSpan HoldLatency = TimeSpan.FromDays(20);
    private static readonly Lazy<bool> OwnAddresses = new(CanBindOwnLoopbackAddresses);

    private readonly FaultProxyServer? _server;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<SimulatedMachine> _machines = [];
    private readonly List<(string Machine, string Name, IPEndPoint EndPoint)> _services = [];
    private readonly List<ClusterLink> _links = [];
    private readonly Dictionary<(string From, string To), PartitionMode> _cuts = [];
    private readonly string _prefix = "fleet-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
    private int _disposed;

    private FleetCluster(ToxiproxyClient client, FaultProxyServer? server, FleetClusterOptions options)
    {
        Toxiproxy = client;
        _server = server;
        _time = options.TimeProvider;
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<FleetCluster>();
    }

    /// <summary>Gets the client of the Toxiproxy server carrying the links, for toxics beyond the cluster's own verbs.</summary>
    public ToxiproxyClient Toxiproxy { get; }

    /// <summary>Gets a value indicating whether the links run on an in-process <see cref="FaultProxyServer"/> (not <c>TOXIPROXY_URL</c>).</summary>
    public bool UsesInProcessProxy => _server is not null;

    /// <summary>Gets the machines, in the order they were added.</summary>
    public IReadOnlyList<SimulatedMachine> Machines => Locked(() => _machines.ToList());

    /// <summary>Gets every link, in the order they were created.</summary>
    public IReadOnlyList<ClusterLink> Links => Locked(() => _links.ToList());

    /// <summary>Gets a machine by name.</summary>
    /// <param name="machine">The machine name.</param>
    /// <exception cref="ArgumentException">No such machine (the message lists the known ones).</exception>
    public SimulatedMachine this[string machine] => Locked(() => Machine(machine));

    /// <summary>Starts a cluster with these machines, on an in-process fault proxy (or <c>TOXIPROXY_URL</c>).</summary>
    /// <param name="machines">The machine names.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The cluster.</returns>
    public static Task<FleetCluster> StartAsync(IEnumerable<string> machines, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(machines);
        var options = new FleetClusterOptions();
        foreach (var machine in machines)
        {
            options.Machines.Add(machine);
        }

        return StartAsync(options, cancellationToken);
    }

    /// <summary>Starts a cluster as <paramref name="options"/> say.</summary>
    /// <param name="options">The machines and the Toxiproxy server to use.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The cluster.</returns>
    public static async Task<FleetCluster> StartAsync(FleetClusterOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var url = options.ToxiproxyUrl ?? (options.UseToxiproxyFromEnvironment ? ToxiproxyClient.EnvironmentUrl : null);
        FaultProxyServer? server = null;
        if (url is null)
        {
            server = await FaultProxyServer.StartAsync(
                new FaultProxyServerOptions { LoggerFactory = options.LoggerFactory, TimeProvider = options.TimeProvider },
                cancellationToken).ConfigureAwait(false);
        }

        var cluster = new FleetCluster(server?.CreateClient() ?? new ToxiproxyClient(url!), server, options);
        try
        {
            foreach (var machine in options.Machines)
            {
                await cluster.AddMachineAsync(machine, cancellationToken).ConfigureAwait(false);
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Adds a machine, with links from it to every service already on other machines.</summary>
    /// <param name="name">A unique name: letters, digits, '-', '_', '.'.</param>
    /// <param name="cancellationToken">Cancels the proxy creation.</param>
    /// <returns>The machine.</returns>
    public async Task<SimulatedMachine> AddMachineAsync(string name, CancellationToken cancellationToken = default)
    {
        ValidateName("machine", name);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_machines.Any(m => m.Name == name))
            {
                throw TestingErrors.DuplicateMachine(name);
            }

            var address = OwnAddresses.Value && _machines.Count < 250
                ? new IPAddress([127, 0, 0, (byte)(_machines.Count + 2)])
                : IPAddress.Loopback;
            var machine = new SimulatedMachine(name, address);
            _machines.Add(machine);
            foreach (var service in _services.ToList())
            {
                await CreateLinkAsync(name, service, cancellationToken).ConfigureAwait(false);
            }

            return machine;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Declares a service listening on <paramref name="port"/> at the machine's own address, and links every other machine to it.</summary>
    /// <param name="machine">The machine running it.</param>
    /// <param name="service">The service name, unique on that machine.</param>
    /// <param name="port">The port it listens on, at <see cref="SimulatedMachine.Address"/>.</param>
    /// <param name="cancellationToken">Cancels the proxy creation.</param>
    /// <returns>A task that completes when every link to the service exists.</returns>
    public Task AddServiceAsync(string machine, string service, int port, CancellationToken cancellationToken = default) =>
        AddServiceAsync(machine, service, new IPEndPoint(this[machine].Address, port), cancellationToken);

    /// <summary>Declares a service listening at <paramref name="endPoint"/>, run by <paramref name="machine"/>, and links every other machine to it.</summary>
    /// <param name="machine">The machine running it.</param>
    /// <param name="service">The service name, unique on that machine.</param>
    /// <param name="endPoint">Where it really listens.</param>
    /// <param name="cancellationToken">Cancels the proxy creation.</param>
    /// <returns>A task that completes when every link to the service exists.</returns>
    public async Task AddServiceAsync(string machine, string service, IPEndPoint endPoint, CancellationToken cancellationToken = default)
    {
        ValidateName("service", service);
        ArgumentNullException.ThrowIfNull(endPoint);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Machine(machine);
            if (_services.Any(s => s.Machine == machine && s.Name == service))
            {
                throw TestingErrors.DuplicateService(service, machine);
            }

            var registration = (machine, service, endPoint);
            _services.Add(registration);
            foreach (var other in _machines.Where(m => m.Name != machine).ToList())
            {
                await CreateLinkAsync(other.Name, registration, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Puts a Redis server on <paramref name="machine"/> (created if missing) as service <c>redis</c>, so every other machine reaches it through its own link.</summary>
    /// <param name="redis">The server.</param>
    /// <param name="machine">The machine that runs it; a dedicated <c>redis</c> machine by default, so partitioning from it cuts a machine from Redis.</param>
    /// <param name="cancellationToken">Cancels the proxy creation.</param>
    /// <returns>A task that completes when every link to Redis exists.</returns>
    public async Task AddRedisAsync(RedisServer redis, string machine = "redis", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(redis);
        if (!Locked(() => _machines.Any(m => m.Name == machine)))
        {
            await AddMachineAsync(machine, cancellationToken).ConfigureAwait(false);
        }

        var address = IPAddress.TryParse(redis.Host, out var ip)
            ? ip
            : (await Dns.GetHostAddressesAsync(redis.Host, cancellationToken).ConfigureAwait(false))[0];
        await AddServiceAsync(machine, "redis", new IPEndPoint(address, redis.Port), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The endpoint machine <paramref name="from"/> dials to reach <paramref name="service"/> (a name only one machine runs).</summary>
    /// <param name="from">The machine that dials.</param>
    /// <param name="service">The service.</param>
    /// <returns>Its proxy on the link, or the service itself when it runs on <paramref name="from"/>.</returns>
    public IPEndPoint GetEndPoint(string from, string service) => Locked(() => Resolve(from, service, on: null));

    /// <summary>The endpoint machine <paramref name="from"/> dials to reach <paramref name="service"/> on machine <paramref name="on"/>.</summary>
    /// <param name="from">The machine that dials.</param>
    /// <param name="service">The service.</param>
    /// <param name="on">The machine that runs it.</param>
    /// <returns>Its proxy on the link, or the service itself when <paramref name="on"/> is <paramref name="from"/>.</returns>
    public IPEndPoint GetEndPoint(string from, string service, string on) => Locked(() => Resolve(from, service, on));

    /// <summary>The <c>host:port</c> machine <paramref name="from"/> dials to reach <paramref name="service"/>: a connection string for Redis, an address for a socket.</summary>
    /// <param name="from">The machine that dials.</param>
    /// <param name="service">The service (a name only one machine runs).</param>
    /// <returns>The address.</returns>
    public string GetAddress(string from, string service) => ProxyAddress.Format(GetEndPoint(from, service));

    /// <summary>The links between two machines, both ways.</summary>
    /// <param name="a">One machine.</param>
    /// <param name="b">The other.</param>
    /// <returns>The links.</returns>
    public IReadOnlyList<ClusterLink> GetLinks(string a, string b) => Locked(() =>
    {
        Machine(a);
        Machine(b);
        return Between(a, b).ToList();
    });

    /// <summary>Cuts the traffic between two machines on every link between them, now and for links created later.</summary>
    /// <param name="a">One machine.</param>
    /// <param name="b">The other.</param>
    /// <param name="direction"><see cref="PartitionDirection.Both"/>, or <see cref="PartitionDirection.OneWay"/> to cut only data from <paramref name="a"/> to <paramref name="b"/>.</param>
    /// <param name="mode">Whether cut data is dropped (default) or held until the partition heals.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>A task that completes when the cut is in place.</returns>
    public Task PartitionAsync(string a, string b, PartitionDirection direction = PartitionDirection.Both, PartitionMode mode = PartitionMode.Drop, CancellationToken cancellationToken = default) =>
        WithGateAsync(
            async () =>
            {
                Pair(a, b);
                await CutAsync(a, b, mode, cancellationToken).ConfigureAwait(false);
                if (direction == PartitionDirection.Both)
                {
                    await CutAsync(b, a, mode, cancellationToken).ConfigureAwait(false);
                }

                LogPartitioned(_logger, a, b, direction, mode);
            },
            cancellationToken);

    /// <summary>Cuts a machine from every other machine (and so from Redis on its own machine), both ways.</summary>
    /// <param name="machine">The machine.</param>
    /// <param name="mode">Whether cut data is dropped (default) or held until healed.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>A task that completes when the machine is cut off.</returns>
    public Task IsolateAsync(string machine, PartitionMode mode = PartitionMode.Drop, CancellationToken cancellationToken = default) =>
        WithGateAsync(
            async () =>
            {
                Machine(machine);
                foreach (var other in _machines.Where(m => m.Name != machine).ToList())
                {
                    await CutAsync(machine, other.Name, mode, cancellationToken).ConfigureAwait(false);
                    await CutAsync(other.Name, machine, mode, cancellationToken).ConfigureAwait(false);
                }

                LogIsolated(_logger, machine, mode);
            },
            cancellationToken);

    /// <summary>Delays data between two machines by <paramref name="latency"/> +/- <paramref name="jitter"/> in each direction (a round trip gains twice).</summary>
    /// <param name="a">One machine.</param>
    /// <param name="b">The other.</param>
    /// <param name="latency">The one-way delay.</param>
    /// <param name="jitter">The random variation either way.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>A task that completes when every link carries the delay.</returns>
    public Task AddLatencyAsync(string a, string b, TimeSpan latency, TimeSpan jitter = default, CancellationToken cancellationToken = default) =>
        WithGateAsync(
            async () =>
            {
                Pair(a, b);
                foreach (var link in Between(a, b).ToList())
                {
                    foreach (var stream in (ToxicStream[])[ToxicStream.Upstream, ToxicStream.Downstream])
                    {
                        await UpsertAsync(link, ToxiproxyToxic.Latency(latency, jitter, stream, ToxicName(LatencyToxic, stream)), cancellationToken).ConfigureAwait(false);
                    }
                }
            },
            cancellationToken);

    /// <summary>Limits the rate of data between two machines, in each direction.</summary>
    /// <param name="a">One machine.</param>
    /// <param name="b">The other.</param>
    /// <param name="kilobytesPerSecond">The rate per link and direction (1 KB = 1000 bytes).</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>A task that completes when every link carries the limit.</returns>
    public Task LimitBandwidthAsync(string a, string b, long kilobytesPerSecond, CancellationToken cancellationToken = default) =>
        WithGateAsync(
            async () =>
            {
                Pair(a, b);
                foreach (var link in Between(a, b).ToList())
                {
                    foreach (var stream in (ToxicStream[])[ToxicStream.Upstream, ToxicStream.Downstream])
                    {
                        await UpsertAsync(link, ToxiproxyToxic.Bandwidth(kilobytesPerSecond, stream, ToxicName(BandwidthToxic, stream)), cancellationToken).ConfigureAwait(false);
                    }
                }
            },
            cancellationToken);

    /// <summary>Partitions and heals the link between two machines <paramref name="cycles"/> times: down for <paramref name="down"/>, then up for <paramref name="up"/>.</summary>
    /// <param name="a">One machine.</param>
    /// <param name="b">The other.</param>
    /// <param name="down">How long each partition lasts.</param>
    /// <param name="up">How long the link stays healed between partitions.</param>
    /// <param name="cycles">How many times.</param>
    /// <param name="cancellationToken">Stops flapping (the link is healed before this returns).</param>
    /// <returns>A task that completes after the last cycle, with the link healed.</returns>
    public async Task FlapAsync(string a, string b, TimeSpan down, TimeSpan up, int cycles, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cycles);
        try
        {
            for (var i = 0; i < cycles; i++)
            {
                await PartitionAsync(a, b, cancellationToken: cancellationToken).ConfigureAwait(false);
                await Task.Delay(down, _time, cancellationToken).ConfigureAwait(false);
                await WithGateAsync(() => UncutAsync(a, b, CancellationToken.None), CancellationToken.None).ConfigureAwait(false);
                await Task.Delay(up, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await WithGateAsync(() => UncutAsync(a, b, CancellationToken.None), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Removes every fault (and any other toxic) from the links between two machines.</summary>
    /// <param name="a">One machine.</param>
    /// <param name="b">The other.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>A task that completes when the links are clean.</returns>
    public Task HealAsync(string a, string b, CancellationToken cancellationToken = default) =>
        WithGateAsync(
            async () =>
            {
                Pair(a, b);
                _cuts.Remove((a, b));
                _cuts.Remove((b, a));
                await ClearAsync(Between(a, b).ToList(), cancellationToken).ConfigureAwait(false);
                LogHealed(_logger, $"{a} <-> {b}");
            },
            cancellationToken);

    /// <summary>Removes every fault from every link of the cluster.</summary>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>A task that completes when every link is clean.</returns>
    public Task HealAsync(CancellationToken cancellationToken = default) =>
        WithGateAsync(
            async () =>
            {
                _cuts.Clear();
                await ClearAsync(_links.ToList(), cancellationToken).ConfigureAwait(false);
                LogHealed(_logger, "every link");
            },
            cancellationToken);

    /// <summary>Deletes the cluster's proxies (from an external Toxiproxy too) and stops the in-process one.</summary>
    /// <returns>A task that completes when everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            foreach (var link in _links)
            {
                try
                {
                    await Toxiproxy.DeleteProxyAsync(link.ProxyName).ConfigureAwait(false);
                }
                catch (ToxiproxyException ex)
                {
                    LogCleanupFailed(_logger, link.ProxyName, ex.Message);
                }
            }
        }

        Toxiproxy.Dispose();
        _gate.Dispose();
    }

    private static bool CanBindOwnLoopbackAddresses()
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(new IPAddress([127, 0, 0, 2]), 0));
            return true;
        }
        catch (SocketException)
        {
            // macOS and some containers have only 127.0.0.1: every machine shares it, ports differ.
            return false;
        }
    }

    private static void ValidateName(string what, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw TestingErrors.InvalidName(what, name);
        }
    }

    private static string ToxicName(string fault, ToxicStream stream) =>
        fault + (stream == ToxicStream.Upstream ? "_upstream" : "_downstream");

    private T Locked<T>(Func<T> read)
    {
        _gate.Wait();
        try
        {
            return read();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task WithGateAsync(Func<Task> action, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await action().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private SimulatedMachine Machine(string name) =>
        _machines.FirstOrDefault(m => m.Name == name) ?? throw TestingErrors.UnknownMachine(name, _machines.Select(m => m.Name));

    private void Pair(string a, string b)
    {
        Machine(a);
        Machine(b);
        if (a == b)
        {
            throw TestingErrors.SameMachine(a);
        }
    }

    private IEnumerable<ClusterLink> Between(string a, string b) =>
        _links.Where(l => (l.From == a && l.To == b) || (l.From == b && l.To == a));

    /// <summary>The links and streams carrying data from <paramref name="from"/> to <paramref name="to"/>.</summary>
    private IEnumerable<(ClusterLink Link, ToxicStream Stream)> Flows(string from, string to) =>
        _links.Where(l => l.From == from && l.To == to).Select(l => (l, ToxicStream.Upstream))
            .Concat(_links.Where(l => l.From == to && l.To == from).Select(l => (l, ToxicStream.Downstream)));

    private IPEndPoint Resolve(string from, string service, string? on)
    {
        Machine(from);
        if (on is not null)
        {
            Machine(on);
        }

        var matches = _services.Where(s => s.Name == service && (on is null || s.Machine == on)).ToList();
        if (matches.Count == 0)
        {
            throw TestingErrors.UnknownService(service, on, _services.Select(s => $"{s.Name} on {s.Machine}"));
        }

        if (matches.Count > 1)
        {
            throw TestingErrors.AmbiguousService(service, matches.Select(s => s.Machine));
        }

        var target = matches[0];
        return target.Machine == from
            ? target.EndPoint
            : _links.First(l => l.From == from && l.To == target.Machine && l.Service == service).EndPoint;
    }

    private async Task CreateLinkAsync(string from, (string Machine, string Name, IPEndPoint EndPoint) service, CancellationToken cancellationToken)
    {
        var to = Machine(service.Machine);
        var name = $"{_prefix}-{from}-{to.Name}-{service.Name}";
        var listen = ProxyAddress.Format(new IPEndPoint(to.Address, 0));
        var proxy = await Toxiproxy.CreateProxyAsync(name, listen, ProxyAddress.Format(service.EndPoint), cancellationToken: cancellationToken).ConfigureAwait(false);
        var endPoint = proxy.ListenEndPoint ?? throw TestingErrors.InvalidApiResponse("POST", new Uri(Toxiproxy.BaseAddress, "proxies"), $"listen '{proxy.Listen}' is not ip:port");
        var link = new ClusterLink(from, to.Name, service.Name, name, endPoint, service.EndPoint);
        _links.Add(link);
        LogLinked(_logger, from, service.Name, to.Name, ProxyAddress.Format(endPoint), name);

        foreach (var ((cutFrom, cutTo), mode) in _cuts)
        {
            foreach (var (flowLink, stream) in Flows(cutFrom, cutTo).Where(f => f.Link == link))
            {
                await AddCutAsync(flowLink, stream, mode, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task CutAsync(string from, string to, PartitionMode mode, CancellationToken cancellationToken)
    {
        _cuts[(from, to)] = mode;
        foreach (var (link, stream) in Flows(from, to).ToList())
        {
            await AddCutAsync(link, stream, mode, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task AddCutAsync(ClusterLink link, ToxicStream stream, PartitionMode mode, CancellationToken cancellationToken)
    {
        var name = ToxicName(PartitionToxic, stream);
        var toxic = mode == PartitionMode.Hold
            ? ToxiproxyToxic.Latency(HoldLatency, stream: stream, name: name)
            : ToxiproxyToxic.Timeout(TimeSpan.Zero, stream, name);
        return UpsertAsync(link, toxic, cancellationToken, replace: true);
    }

    private async Task UncutAsync(string a, string b, CancellationToken cancellationToken)
    {
        _cuts.Remove((a, b));
        _cuts.Remove((b, a));
        foreach (var link in Between(a, b).ToList())
        {
            foreach (var stream in (ToxicStream[])[ToxicStream.Upstream, ToxicStream.Downstream])
            {
                await RemoveIfPresentAsync(link.ProxyName, ToxicName(PartitionToxic, stream), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task UpsertAsync(ClusterLink link, ToxiproxyToxic toxic, CancellationToken cancellationToken, bool replace = false)
    {
        try
        {
            await Toxiproxy.AddToxicAsync(link.ProxyName, toxic, cancellationToken).ConfigureAwait(false);
        }
        catch (ToxiproxyException ex) when (ex.StatusCode == 409)
        {
            if (replace)
            {
                // A cut of another kind (drop or hold) is already there: swap it.
                await RemoveIfPresentAsync(link.ProxyName, toxic.Name!, cancellationToken).ConfigureAwait(false);
                await Toxiproxy.AddToxicAsync(link.ProxyName, toxic, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await Toxiproxy.UpdateToxicAsync(link.ProxyName, toxic.Name!, toxic.Attributes, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ClearAsync(IReadOnlyList<ClusterLink> links, CancellationToken cancellationToken)
    {
        foreach (var link in links)
        {
            foreach (var toxic in await Toxiproxy.GetToxicsAsync(link.ProxyName, cancellationToken).ConfigureAwait(false))
            {
                await RemoveIfPresentAsync(link.ProxyName, toxic.Name!, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task RemoveIfPresentAsync(string proxy, string toxic, CancellationToken cancellationToken)
    {
        try
        {
            await Toxiproxy.RemoveToxicAsync(proxy, toxic, cancellationToken).ConfigureAwait(false);
        }
        catch (ToxiproxyException ex) when (ex.StatusCode == 404)
        {
            LogAlreadyGone(_logger, toxic, proxy);
        }
    }

    [LoggerMessage(EventId = 9030, Level = LogLevel.Debug, Message = "Link: {From} reaches {Service} on {To} at {EndPoint} (proxy {Proxy}).")]
    private static partial void LogLinked(ILogger logger, string from, string service, string to, string endPoint, string proxy);

    [LoggerMessage(EventId = 9031, Level = LogLevel.Information, Message = "Partitioned {A} from {B} ({Direction}, {Mode}).")]
    private static partial void LogPartitioned(ILogger logger, string a, string b, PartitionDirection direction, PartitionMode mode);

    [LoggerMessage(EventId = 9032, Level = LogLevel.Information, Message = "Isolated {Machine} ({Mode}).")]
    private static partial void LogIsolated(ILogger logger, string machine, PartitionMode mode);

    [LoggerMessage(EventId = 9033, Level = LogLevel.Information, Message = "Healed {Scope}.")]
    private static partial void LogHealed(ILogger logger, string scope);

    [LoggerMessage(EventId = 9034, Level = LogLevel.Debug, Message = "Toxic {Toxic} was already gone from {Proxy}.")]
    private static partial void LogAlreadyGone(ILogger logger, string toxic, string proxy);

    [LoggerMessage(EventId = 9035, Level = LogLevel.Warning, Message = "Proxy {Proxy} could not be deleted from the Toxiproxy server ({Reason}); delete it by hand or POST /reset.")]
    private static partial void LogCleanupFailed(ILogger logger, string proxy, string reason);
}
