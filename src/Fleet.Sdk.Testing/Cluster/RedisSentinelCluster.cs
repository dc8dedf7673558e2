using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Testing;

/// <summary>
/// A real Redis Sentinel deployment for one test: a master, a replica and three redis-sentinel processes,
/// tuned for fast failover (<see cref="RedisSentinelClusterOptions"/> names every setting). With a
/// <see cref="FleetCluster"/> each process runs on its own simulated machine and every link between machines
/// (replication, the sentinels' monitoring and gossip, the clients) goes through the fault proxy, so a
/// partition really cuts it; without one everything runs on 127.0.0.1. It can kill, restart and pause the
/// master, name the current master as the sentinels see it, and wait for a failover.
/// </summary>
/// <remarks>
/// Redis and Sentinel pass node addresses to each other, so each node has one announced address that every
/// process uses: a relay on the node's machine that forwards each caller over its own machine's link
/// (processes bind their outgoing connections to their machine's address, <c>bind-source-addr</c>).
/// Clients are given <see cref="GetSentinelAddresses(string?)"/> and the <see cref="GetAddressMap(string)"/>
/// that turns announced addresses into what their machine dials.
/// </remarks>
public sealed partial class RedisSentinelCluster : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly RedisSentinelClusterOptions _options;
    private readonly ILogger _logger;
    private readonly List<Node> _nodes = [];
    private readonly List<Node> _sentinels = [];
    private readonly List<MachineRelay> _relays = [];
    private string? _configurationDirectory;
    private int _disposed;

    private RedisSentinelCluster(RedisSentinelClusterOptions options)
    {
        _options = options;
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RedisSentinelCluster>();
    }

    /// <summary>Gets the master's name in Sentinel.</summary>
    public string ServiceName => _options.ServiceName;

    /// <summary>Gets the fleet cluster the processes run in, or <see langword="null"/>.</summary>
    public FleetCluster? Cluster => _options.Cluster;

    /// <summary>Gets the two data servers: [0] started as master, [1] as its replica (roles change with failovers).</summary>
    public IReadOnlyList<RedisServer> Servers => _nodes.Select(n => n.Server!).ToList();

    /// <summary>Gets the sentinels: redis-server processes in sentinel mode, which can be killed, restarted (they keep the configuration they rewrote) and paused.</summary>
    public IReadOnlyList<RedisServer> Sentinels => _sentinels.Select(n => n.Server!).ToList();

    /// <summary>Starts a master, a replica and three sentinels, and waits until the replica is in sync and every sentinel knows the replica and the other sentinels.</summary>
    /// <param name="options">Layout and tuning; <see langword="null"/> for the defaults (everything on 127.0.0.1).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The cluster, ready to fail over.</returns>
    /// <exception cref="FileNotFoundException">redis-server is not installed (the message says how to install it).</exception>
    /// <exception cref="InvalidOperationException">A process did not start, or the cluster was not ready in time (the message says what was missing).</exception>
    public static async Task<RedisSentinelCluster> StartAsync(RedisSentinelClusterOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new RedisSentinelClusterOptions();
        Validate(options);
        var executable = options.ExecutablePath ?? RedisServer.FindExecutable();
        if (executable is null || !File.Exists(executable))
        {
            throw TestingErrors.RedisServerNotFound(options.ExecutablePath);
        }

        var cluster = new RedisSentinelCluster(options);
        try
        {
            await cluster.LaunchAsync(executable, cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Gets the simulated machine a server or sentinel runs on.</summary>
    /// <param name="server">One of <see cref="Servers"/> or <see cref="Sentinels"/>.</param>
    /// <returns>The machine name.</returns>
    public string GetMachine(RedisServer server) => NodeOf(server).Machine;

    /// <summary>Gets the address the other processes know a server or sentinel by (<c>host:port</c>).</summary>
    /// <param name="server">One of <see cref="Servers"/> or <see cref="Sentinels"/>.</param>
    /// <returns>The announced address.</returns>
    public string GetAnnouncedAddress(RedisServer server) => ProxyAddress.Format(NodeOf(server).Announced);

    /// <summary>The sentinels as machine <paramref name="machine"/> dials them, comma-separated (<c>Fleet:Coordination:Redis:Sentinels</c>).</summary>
    /// <param name="machine">The client's machine, or <see langword="null"/> for a client outside the simulated machines (it goes direct).</param>
    /// <returns>The addresses.</returns>
    public string GetSentinelAddresses(string? machine = null) =>
        string.Join(',', _sentinels.Select(s => ProxyAddress.Format(DialFrom(machine, s.Service, s.Machine, s.Real))));

    /// <summary>
    /// The announced addresses of every server and sentinel mapped to what machine <paramref name="machine"/> dials
    /// for them, <c>announced=dialled</c> comma-separated (<c>Fleet:Coordination:Redis:AddressMap</c>); empty
    /// without a fleet cluster.
    /// </summary>
    /// <param name="machine">The client's machine.</param>
    /// <returns>The map.</returns>
    public string GetAddressMap(string machine)
    {
        if (Cluster is null)
        {
            return string.Empty;
        }

        var entries = _nodes.Concat(_sentinels)
            .Select(n => (n.Announced, Dial: DialFrom(machine, n.Service, n.Machine, n.Real)))
            .Where(e => !e.Announced.Equals(e.Dial))
            .Select(e => $"{ProxyAddress.Format(e.Announced)}={ProxyAddress.Format(e.Dial)}");
        return string.Join(',', entries);
    }

    /// <summary>
    /// The configuration a client on <paramref name="machine"/> needs (<c>Fleet:Coordination:Redis:Sentinels</c>,
    /// <c>ServiceName</c> and <c>AddressMap</c>), for an in-memory configuration source.
    /// </summary>
    /// <param name="machine">The client's machine, or <see langword="null"/> outside the simulated machines.</param>
    /// <returns>The keys and values.</returns>
    public IReadOnlyDictionary<string, string?> GetCoordinationSettings(string? machine = null) => new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["Fleet:Coordination:Engine"] = "Redis",
        ["Fleet:Coordination:Redis:Sentinels"] = GetSentinelAddresses(machine),
        ["Fleet:Coordination:Redis:ServiceName"] = ServiceName,
        ["Fleet:Coordination:Redis:AddressMap"] = machine is null ? null : GetAddressMap(machine),
    };

    /// <summary>Asks every running sentinel for the master and returns the server most of them name.</summary>
    /// <param name="cancellationToken">Cancels the questions.</param>
    /// <returns>The master as the sentinels see it.</returns>
    /// <exception cref="InvalidOperationException">No sentinel answered.</exception>
    public async Task<RedisServer> GetMasterAsync(CancellationToken cancellationToken = default)
    {
        var votes = await AskSentinelsAsync(cancellationToken).ConfigureAwait(false);
        var named = votes.Where(v => v.Server is not null).GroupBy(v => v.Server!).OrderByDescending(g => g.Count()).FirstOrDefault();
        return named?.Key ?? throw TestingErrors.NoSentinelAnswer(string.Join("; ", votes.Select(v => v.Detail)));
    }

    /// <summary>
    /// Waits until a majority of the sentinels name a master other than <paramref name="previous"/> and that server
    /// says it is a master: the failover is complete.
    /// </summary>
    /// <param name="previous">The master before the failover.</param>
    /// <param name="timeout">The longest to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The new master.</returns>
    /// <exception cref="TimeoutException">No failover completed in time (the message says what the sentinels said).</exception>
    public async Task<RedisServer> WaitForFailoverAsync(RedisServer previous, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(previous);
        var time = _options.TimeProvider;
        var started = time.GetTimestamp();
        var state = "no answer yet";
        while (true)
        {
            var votes = await AskSentinelsAsync(cancellationToken).ConfigureAwait(false);
            var majority = (_sentinels.Count / 2) + 1;
            var leader = votes.Where(v => v.Server is not null && v.Server != previous).GroupBy(v => v.Server!).FirstOrDefault(g => g.Count() >= majority);
            state = string.Join("; ", votes.Select(v => v.Detail));
            if (leader is not null && await RoleAsync(leader.Key, cancellationToken).ConfigureAwait(false) == "master")
            {
                LogFailedOver(_logger, GetMachine(previous), GetMachine(leader.Key), (long)time.GetElapsedTime(started).TotalMilliseconds);
                return leader.Key;
            }

            if (time.GetElapsedTime(started) >= timeout)
            {
                throw TestingErrors.NoFailover($"{previous.ConnectionString} on {GetMachine(previous)}", time.GetElapsedTime(started), state);
            }

            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Kills the current master (as the sentinels name it) with SIGKILL.</summary>
    /// <param name="cancellationToken">Cancels the kill.</param>
    /// <returns>The server that was killed.</returns>
    public async Task<RedisServer> KillMasterAsync(CancellationToken cancellationToken = default)
    {
        var master = await GetMasterAsync(cancellationToken).ConfigureAwait(false);
        await master.KillAsync(cancellationToken).ConfigureAwait(false);
        return master;
    }

    /// <summary>
    /// Waits until the current master has <paramref name="replicas"/> replicas in sync (<c>state=online</c>), for
    /// example after a killed master was restarted and Sentinel made it a replica.
    /// </summary>
    /// <param name="timeout">The longest to wait.</param>
    /// <param name="replicas">How many replicas.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The master.</returns>
    public async Task<RedisServer> WaitForReplicasAsync(TimeSpan timeout, int replicas = 1, CancellationToken cancellationToken = default)
    {
        var time = _options.TimeProvider;
        var started = time.GetTimestamp();
        var state = "no answer yet";
        while (true)
        {
            try
            {
                var master = await GetMasterAsync(cancellationToken).ConfigureAwait(false);
                var info = RespCommand.Info(await CommandAsync(master, ["INFO", "replication"], cancellationToken).ConfigureAwait(false));
                var online = info.Count(f => f.Key.StartsWith("slave", StringComparison.Ordinal) && f.Value.Contains("state=online", StringComparison.Ordinal));
                state = $"{GetMachine(master)} is {info.GetValueOrDefault("role")} with {online} replica(s) online";
                if (info.GetValueOrDefault("role") == "master" && online >= replicas)
                {
                    return master;
                }
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                state = ex.Message;
            }

            if (time.GetElapsedTime(started) >= timeout)
            {
                throw TestingErrors.SentinelClusterNotReady(time.GetElapsedTime(started), state);
            }

            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops every process and relay and deletes their directories (the fleet cluster's links stay until it is disposed).</summary>
    /// <returns>A task that completes when everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var node in _sentinels.Concat(_nodes).Where(n => n.Server is not null))
        {
            await node.Server!.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var relay in _relays)
        {
            await relay.DisposeAsync().ConfigureAwait(false);
        }

        if (_configurationDirectory is not null)
        {
            try
            {
                Directory.Delete(_configurationDirectory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogDirectoryLeft(_logger, _configurationDirectory, ex.Message);
            }
        }
    }

    private static void Validate(RedisSentinelClusterOptions options)
    {
        if (options.SentinelMachines.Count == 0)
        {
            throw TestingErrors.InvalidSentinelLayout("SentinelMachines is empty; name at least one machine (three for a majority that survives one loss)");
        }

        if (options.Quorum < 1 || options.Quorum > options.SentinelMachines.Count)
        {
            throw TestingErrors.InvalidSentinelLayout($"Quorum {options.Quorum} must be between 1 and the number of sentinels ({options.SentinelMachines.Count})");
        }

        if (options.DownAfter < TimeSpan.FromMilliseconds(100) || options.FailoverTimeout < TimeSpan.FromMilliseconds(500))
        {
            throw TestingErrors.InvalidSentinelLayout("DownAfter must be at least 100 ms and FailoverTimeout at least 500 ms");
        }
    }

    private static string Ms(TimeSpan value) => ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    private async Task LaunchAsync(string executable, CancellationToken cancellationToken)
    {
        var cluster = Cluster;
        var machines = new[] { _options.MasterMachine, _options.ReplicaMachine }.Concat(_options.SentinelMachines).Distinct().ToList();
        if (cluster is not null)
        {
            foreach (var machine in machines.Where(m => !cluster.Machines.Any(k => k.Name == m)))
            {
                await cluster.AddMachineAsync(machine, cancellationToken).ConfigureAwait(false);
            }
        }

        // Ports and links first, so the servers can be started knowing the addresses they announce.
        foreach (var (machine, index) in new[] { _options.MasterMachine, _options.ReplicaMachine }.Select((m, i) => (m, i)))
        {
            var address = AddressOf(machine);
            var real = new IPEndPoint(address, ServerProcess.FreePort(address.ToString()));
            var service = string.Create(CultureInfo.InvariantCulture, $"redis-{index + 1}");
            _nodes.Add(new Node(service, machine, real, await AnnounceAsync(service, machine, real, cancellationToken).ConfigureAwait(false)));
        }

        foreach (var (machine, index) in _options.SentinelMachines.Select((m, i) => (m, i)))
        {
            var address = AddressOf(machine);
            var real = new IPEndPoint(address, ServerProcess.FreePort(address.ToString()));
            var service = string.Create(CultureInfo.InvariantCulture, $"sentinel-{index + 1}");
            _sentinels.Add(new Node(service, machine, real, await AnnounceAsync(service, machine, real, cancellationToken).ConfigureAwait(false)));
        }

        var master = _nodes[0];
        // The sentinels' configuration files live outside their data directories: a sentinel restarted without
        // its data still knows what to monitor.
        _configurationDirectory = Directory.CreateTempSubdirectory("fleet-sentinels-").FullName;
        foreach (var node in _nodes.Concat(_sentinels))
        {
            var options = new RedisServerOptions
            {
                ExecutablePath = executable,
                UseExternalServerFromEnvironment = false,
                BindAddress = node.Real.Address.ToString(),
                Port = node.Real.Port,
                LoggerFactory = _options.LoggerFactory,
                TimeProvider = _options.TimeProvider,
                StartTimeout = _options.StartTimeout,
            };
            if (_sentinels.Contains(node))
            {
                options.SentinelConfigurationFile = Path.Combine(_configurationDirectory, node.Service + ".conf");
                await File.WriteAllLinesAsync(options.SentinelConfigurationFile, SentinelConfiguration(node, master.Announced), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                foreach (var argument in ServerArguments(node, node == master ? null : master))
                {
                    options.Arguments.Add(argument);
                }
            }

            node.Server = await RedisServer.StartAsync(options, cancellationToken).ConfigureAwait(false);
        }

        await WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Registers a process with the fleet cluster (links from every other machine) and starts its relay; its announced address.</summary>
    private async Task<IPEndPoint> AnnounceAsync(string service, string machine, IPEndPoint real, CancellationToken cancellationToken)
    {
        if (Cluster is not { } cluster)
        {
            return real;
        }

        await cluster.AddServiceAsync(machine, service, real, cancellationToken).ConfigureAwait(false);
        var relay = MachineRelay.Start(real.Address, 0, source => DialFrom(MachineAt(source), service, machine, real));
        _relays.Add(relay);
        return relay.EndPoint;
    }

    private IEnumerable<string> ServerArguments(Node node, Node? master)
    {
        var arguments = new List<string>
        {
            "--replica-announce-ip", node.Announced.Address.ToString(),
            "--replica-announce-port", node.Announced.Port.ToString(CultureInfo.InvariantCulture),
            "--repl-diskless-sync", "yes",
            "--repl-diskless-sync-delay", "0",
            "--min-replicas-to-write", _options.MinReplicasToWrite.ToString(CultureInfo.InvariantCulture),
            "--min-replicas-max-lag", ((long)_options.MinReplicasMaxLag.TotalSeconds).ToString(CultureInfo.InvariantCulture),
        };
        if (Cluster is not null)
        {
            arguments.AddRange(["--bind-source-addr", node.Real.Address.ToString()]);
        }

        if (master is not null)
        {
            arguments.AddRange(["--replicaof", master.Announced.Address.ToString(), master.Announced.Port.ToString(CultureInfo.InvariantCulture)]);
        }

        return arguments;
    }

    private IEnumerable<string> SentinelConfiguration(Node sentinel, IPEndPoint master)
    {
        var service = _options.ServiceName;
        var lines = new List<string>
        {
            $"sentinel announce-ip {sentinel.Announced.Address}",
            $"sentinel announce-port {sentinel.Announced.Port.ToString(CultureInfo.InvariantCulture)}",
            $"sentinel monitor {service} {master.Address} {master.Port.ToString(CultureInfo.InvariantCulture)} {_options.Quorum.ToString(CultureInfo.InvariantCulture)}",
            $"sentinel down-after-milliseconds {service} {Ms(_options.DownAfter)}",
            $"sentinel failover-timeout {service} {Ms(_options.FailoverTimeout)}",
            $"sentinel parallel-syncs {service} {_options.ParallelSyncs.ToString(CultureInfo.InvariantCulture)}",
        };
        if (Cluster is not null)
        {
            lines.Add($"bind-source-addr {sentinel.Real.Address}");
        }

        return lines;
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var time = _options.TimeProvider;
        var started = time.GetTimestamp();
        await WaitForReplicasAsync(_options.StartTimeout, 1, cancellationToken).ConfigureAwait(false);
        var others = _sentinels.Count - 1;
        var state = "no answer yet";
        while (true)
        {
            var ready = 0;
            var states = new List<string>();
            foreach (var sentinel in _sentinels)
            {
                try
                {
                    var fields = RespCommand.Fields(await CommandAsync(sentinel.Server!, ["SENTINEL", "MASTER", ServiceName], cancellationToken).ConfigureAwait(false));
                    var replicas = fields.GetValueOrDefault("num-slaves");
                    var peers = fields.GetValueOrDefault("num-other-sentinels");
                    states.Add($"{sentinel.Service}: {fields.GetValueOrDefault("flags")}, {replicas} replica(s), {peers} other sentinel(s)");
                    if (fields.GetValueOrDefault("flags") == "master" && replicas == "1" && peers == others.ToString(CultureInfo.InvariantCulture))
                    {
                        ready++;
                    }
                }
                catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    states.Add($"{sentinel.Service}: {ex.Message}");
                }
            }

            state = string.Join("; ", states);
            if (ready == _sentinels.Count)
            {
                LogReady(_logger, (long)time.GetElapsedTime(started).TotalMilliseconds, state);
                return;
            }

            if (time.GetElapsedTime(started) >= _options.StartTimeout)
            {
                throw TestingErrors.SentinelClusterNotReady(time.GetElapsedTime(started), state);
            }

            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<List<(RedisServer? Server, string Detail)>> AskSentinelsAsync(CancellationToken cancellationToken)
    {
        var asks = _sentinels.Where(s => s.Server!.IsRunning).Select(async sentinel =>
        {
            try
            {
                var reply = await CommandAsync(sentinel.Server!, ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", ServiceName], cancellationToken).ConfigureAwait(false);
                if (reply is object?[] { Length: 2 } address && IPAddress.TryParse(address[0]?.ToString(), out var ip)
                    && int.TryParse(address[1]?.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                {
                    var node = _nodes.FirstOrDefault(n => n.Announced.Equals(new IPEndPoint(ip, port)) || n.Real.Equals(new IPEndPoint(ip, port)));
                    return (node?.Server, $"{sentinel.Service} names {ip}:{port.ToString(CultureInfo.InvariantCulture)}{(node is null ? " (unknown)" : $" ({node.Machine})")}");
                }

                return ((RedisServer?)null, $"{sentinel.Service} names no master");
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return ((RedisServer?)null, $"{sentinel.Service}: {ex.Message}");
            }
        });
        return [.. await Task.WhenAll(asks).ConfigureAwait(false)];
    }

    private async Task<string?> RoleAsync(RedisServer server, CancellationToken cancellationToken)
    {
        try
        {
            return RespCommand.Info(await CommandAsync(server, ["INFO", "replication"], cancellationToken).ConfigureAwait(false)).GetValueOrDefault("role");
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return $"unreachable ({ex.Message})";
        }
    }

    private Task<object?> CommandAsync(RedisServer server, IReadOnlyList<string> command, CancellationToken cancellationToken) =>
        RespCommand.SendAsync(server.Host, server.Port, command, CommandTimeout, cancellationToken);

    private Node NodeOf(RedisServer server) =>
        _nodes.Concat(_sentinels).FirstOrDefault(n => n.Server == server) ?? throw new ArgumentException("That server is not one of this cluster's Servers or Sentinels.", nameof(server));

    private IPAddress AddressOf(string machine) => Cluster is { } cluster ? cluster[machine].Address : IPAddress.Loopback;

    /// <summary>The machine at a source address, or <see langword="null"/> when no machine (or more than one) has it.</summary>
    private string? MachineAt(IPAddress source)
    {
        var machines = Cluster?.Machines.Where(m => m.Address.Equals(source)).Take(2).ToList();
        return machines is { Count: 1 } ? machines[0].Name : null;
    }

    /// <summary>What machine <paramref name="from"/> dials to reach <paramref name="service"/> on <paramref name="on"/>: its link, or the process itself on the same machine or from outside.</summary>
    private IPEndPoint DialFrom(string? from, string service, string on, IPEndPoint real) =>
        Cluster is { } cluster && from is not null && from != on ? cluster.GetEndPoint(from, service, on) : real;

    [LoggerMessage(EventId = 9039, Level = LogLevel.Information, Message = "Sentinel: the master moved from {Previous} to {Current} ({ElapsedMs} ms after the wait began).")]
    private static partial void LogFailedOver(ILogger logger, string previous, string current, long elapsedMs);

    [LoggerMessage(EventId = 9038, Level = LogLevel.Information, Message = "Redis Sentinel cluster ready after {ElapsedMs} ms: {State}.")]
    private static partial void LogReady(ILogger logger, long elapsedMs, string state);

    [LoggerMessage(EventId = 9037, Level = LogLevel.Warning, Message = "The sentinels' configuration directory {Directory} could not be deleted ({Reason}); the OS temp cleaner will remove it.")]
    private static partial void LogDirectoryLeft(ILogger logger, string directory, string reason);

    private sealed class Node(string service, string machine, IPEndPoint real, IPEndPoint announced)
    {
        public string Service { get; } = service;

        public string Machine { get; } = machine;

        public IPEndPoint Real { get; } = real;

        public IPEndPoint Announced { get; } = announced;

        public RedisServer? Server { get; set; }
    }
}
