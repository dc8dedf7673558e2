using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Testing;

/// <summary>
/// A JetStream cluster of real nats-server processes, one node per simulated machine of a <see cref="FleetCluster"/>.
/// Every route between two nodes goes through the fault proxy (service <c>nats-route</c>; nodes do not advertise
/// their addresses), so partitioning two machines really cuts the cluster's traffic; every client on a machine
/// reaches each node through that machine's own links (service <c>nats</c>), as <see cref="GetClientUrls"/> lists them.
/// Nodes can be killed and restarted with or without their store; the leader is read from the nodes'
/// monitoring endpoints, which the harness reaches directly.
/// </summary>
/// <example>
/// <code>
/// await using var nats = await NatsCluster.StartAsync();           // mainpc, pc2, pc3; a JetStream leader elected
/// var servers = nats.GetServers("pc2");                           // Fleet:Coordination:Nats:Servers for a client on pc2
/// var leader = await nats.WaitForLeaderAsync(TimeSpan.FromSeconds(30));
/// await nats.KillAsync(leader);
/// await nats.Cluster.IsolateAsync("pc3");
/// await nats.RestartAsync(leader, keepData: true);
/// </code>
/// </example>
public sealed partial class NatsCluster : IAsyncDisposable
{
    /// <summary>The service name of a node's client port in the <see cref="FleetCluster"/>.</summary>
    public const string ClientService = "nats";

    /// <summary>The service name of a node's route (cluster) port in the <see cref="FleetCluster"/>.</summary>
    public const string RouteService = "nats-route";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MonitorTimeout = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, NatsServer> _nodes;
    private readonly bool _ownsCluster;
    private readonly NatsClusterOptions _options;
    private readonly HttpClient _http = new() { Timeout = MonitorTimeout };
    private readonly ILogger _logger;
    private int _disposed;

    private NatsCluster(FleetCluster cluster, bool ownsCluster, NatsClusterOptions options, Dictionary<string, NatsServer> nodes)
    {
        Cluster = cluster;
        _ownsCluster = ownsCluster;
        _options = options;
        _nodes = nodes;
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<NatsCluster>();
    }

    /// <summary>Gets the simulated machines and their links (partition, isolate and heal through it).</summary>
    public FleetCluster Cluster { get; }

    /// <summary>Gets the machines that run a node, in order.</summary>
    public IReadOnlyList<string> Machines => [.. _options.Machines];

    /// <summary>Gets the node running on a machine.</summary>
    /// <param name="machine">The machine's name.</param>
    /// <exception cref="ArgumentException">No node runs there (the message lists the machines that run one).</exception>
    public NatsServer this[string machine] =>
        _nodes.TryGetValue(machine, out var node) ? node : throw TestingErrors.NoNatsNode(machine, _nodes.Keys);

    /// <summary>Starts a three-node cluster on its own <see cref="FleetCluster"/> (machines <c>mainpc</c>, <c>pc2</c>, <c>pc3</c>).</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The cluster, with a JetStream leader.</returns>
    public static Task<NatsCluster> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(new NatsClusterOptions(), cancellationToken);

    /// <summary>Starts a cluster on its own <see cref="FleetCluster"/>, which it disposes with itself.</summary>
    /// <param name="options">The machines, the binary and the timings.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The cluster, with a JetStream leader.</returns>
    public static async Task<NatsCluster> StartAsync(NatsClusterOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var cluster = await FleetCluster.StartAsync(
            new FleetClusterOptions { LoggerFactory = options.LoggerFactory, TimeProvider = options.TimeProvider },
            cancellationToken).ConfigureAwait(false);
        try
        {
            return await StartCoreAsync(cluster, ownsCluster: true, options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts a cluster on the machines of an existing <see cref="FleetCluster"/> (which stays the caller's to dispose).</summary>
    /// <param name="cluster">The simulated machines; missing ones are added.</param>
    /// <param name="options">The machines, the binary and the timings.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The cluster, with a JetStream leader.</returns>
    public static Task<NatsCluster> StartAsync(FleetCluster cluster, NatsClusterOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(options);
        return StartCoreAsync(cluster, ownsCluster: false, options, cancellationToken);
    }

    /// <summary>The client URLs a process on <paramref name="machine"/> dials: its own node directly, the others through its links.</summary>
    /// <param name="machine">Any machine of <see cref="Cluster"/> (with or without a node).</param>
    /// <returns>One <c>nats://host:port</c> per node, in <see cref="Machines"/> order.</returns>
    public IReadOnlyList<string> GetClientUrls(string machine) =>
        [.. _options.Machines.Select(on => "nats://" + ProxyAddress.Format(Cluster.GetEndPoint(machine, ClientService, on)))];

    /// <summary>The client URLs of <see cref="GetClientUrls"/>, comma-separated: the value of <c>Fleet:Coordination:Nats:Servers</c> on that machine.</summary>
    /// <param name="machine">Any machine of <see cref="Cluster"/>.</param>
    /// <returns>The server list.</returns>
    public string GetServers(string machine) => string.Join(',', GetClientUrls(machine));

    /// <summary>
    /// Asks every running node which node leads JetStream's meta group, and returns the machine a majority of all
    /// nodes name (a node cut off from the others may still believe in an old leader; it does not count alone).
    /// </summary>
    /// <param name="cancellationToken">Cancels the queries.</param>
    /// <returns>The leader's machine, or <see langword="null"/> while no majority agrees (during an election or without quorum).</returns>
    public async Task<string?> GetMetaLeaderAsync(CancellationToken cancellationToken = default)
    {
        var votes = await AskEveryNodeAsync("jsz", ReadMetaLeader, cancellationToken).ConfigureAwait(false);
        return Majority(votes);
    }

    /// <summary>
    /// The machine whose node leads a stream's RAFT group (a key-value bucket <c>b</c> is stream <c>KV_b</c>), as a
    /// majority of the nodes report it.
    /// </summary>
    /// <param name="stream">The stream's name.</param>
    /// <param name="cancellationToken">Cancels the queries.</param>
    /// <returns>The leader's machine, or <see langword="null"/> while no majority agrees.</returns>
    public async Task<string?> GetStreamLeaderAsync(string stream, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        var votes = await AskEveryNodeAsync("jsz?accounts=true&streams=true", json => ReadStreamLeader(json, stream), cancellationToken).ConfigureAwait(false);
        return Majority(votes);
    }

    /// <summary>Waits until a majority of the nodes agree on a JetStream meta leader.</summary>
    /// <param name="timeout">The longest to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The leader's machine.</returns>
    /// <exception cref="TimeoutException">No leader within <paramref name="timeout"/> (the message says what each node reported).</exception>
    public async Task<string> WaitForLeaderAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var time = _options.TimeProvider;
        var started = time.GetTimestamp();
        while (true)
        {
            if (await GetMetaLeaderAsync(cancellationToken).ConfigureAwait(false) is { } leader)
            {
                return leader;
            }

            if (time.GetElapsedTime(started) >= timeout)
            {
                var votes = await AskEveryNodeAsync("jsz", ReadMetaLeader, cancellationToken).ConfigureAwait(false);
                throw TestingErrors.NatsNoLeader(timeout, votes.Select(v => $"{v.Machine}: {v.Answer ?? "no leader"}"));
            }

            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until every running node's <c>/healthz</c> says JetStream is current (meta group, streams and consumers caught up).</summary>
    /// <param name="timeout">The longest to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when every running node is healthy.</returns>
    /// <exception cref="TimeoutException">Some node was not healthy within <paramref name="timeout"/> (the message says why).</exception>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var time = _options.TimeProvider;
        var started = time.GetTimestamp();
        while (true)
        {
            var answers = await AskEveryNodeAsync("healthz", ReadHealth, cancellationToken, acceptErrors: true).ConfigureAwait(false);
            if (answers.All(a => a.Answer == "ok"))
            {
                return;
            }

            if (time.GetElapsedTime(started) >= timeout)
            {
                throw TestingErrors.NatsNotHealthy(timeout, answers.Select(a => $"{a.Machine}: {a.Answer ?? "no answer"}"));
            }

            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>How many routes to other nodes a node has open (<c>/routez</c>).</summary>
    /// <param name="machine">The node's machine.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The number of routes.</returns>
    public async Task<int> GetRouteCountAsync(string machine, CancellationToken cancellationToken = default)
    {
        using var json = await MonitorAsync(this[machine], "routez", cancellationToken).ConfigureAwait(false);
        return json.RootElement.GetProperty("num_routes").GetInt32();
    }

    /// <summary>The last sequence of a stream in one node's own replica (<c>/jsz</c>), to see that a restarted or healed node caught up.</summary>
    /// <param name="machine">The node's machine.</param>
    /// <param name="stream">The stream (a key-value bucket <c>b</c> is stream <c>KV_b</c>).</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The replica's last sequence, or <see langword="null"/> when the node holds no replica of it or does not answer.</returns>
    public async Task<ulong?> GetStreamLastSequenceAsync(string machine, string stream, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        var node = this[machine];
        if (!node.IsRunning)
        {
            return null;
        }

        try
        {
            using var json = await MonitorAsync(node, "jsz?accounts=true&streams=true", cancellationToken).ConfigureAwait(false);
            return FindStream(json.RootElement, stream) is { } detail && detail.TryGetProperty("state", out var state) && state.TryGetProperty("last_seq", out var last)
                ? last.GetUInt64()
                : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or (TaskCanceledException and not OperationCanceledException { CancellationToken.IsCancellationRequested: true }))
        {
            LogMonitorFailed(_logger, machine, "jsz", ex.Message);
            return null;
        }
    }

    /// <summary>Kills a machine's node with SIGKILL, as a crash would; its store stays on disk.</summary>
    /// <param name="machine">The node's machine.</param>
    /// <param name="cancellationToken">Cancels the wait for the process to exit.</param>
    /// <returns>A task that completes when the process has exited.</returns>
    public async Task KillAsync(string machine, CancellationToken cancellationToken = default)
    {
        await this[machine].KillAsync(cancellationToken).ConfigureAwait(false);
        LogNodeKilled(_logger, machine);
    }

    /// <summary>Stops a machine's node cleanly (SIGTERM): it hands its JetStream leaderships over before it exits; its store stays on disk.</summary>
    /// <param name="machine">The node's machine.</param>
    /// <param name="cancellationToken">Cancels the wait for the process to exit.</param>
    /// <returns>A task that completes when the process has exited.</returns>
    public async Task StopAsync(string machine, CancellationToken cancellationToken = default)
    {
        await this[machine].StopAsync(cancellationToken).ConfigureAwait(false);
        LogNodeStopped(_logger, machine);
    }

    /// <summary>Starts a machine's node again on the same ports (killing it first if it runs).</summary>
    /// <param name="machine">The node's machine.</param>
    /// <param name="keepData">Whether its JetStream store survives (a restart), or it comes back empty (a replaced disk).</param>
    /// <param name="cancellationToken">Cancels the restart.</param>
    /// <returns>A task that completes when the node accepts clients (it may still be catching up: see <see cref="WaitUntilHealthyAsync"/>).</returns>
    public async Task RestartAsync(string machine, bool keepData = true, CancellationToken cancellationToken = default)
    {
        await this[machine].RestartAsync(keepData, cancellationToken).ConfigureAwait(false);
        LogNodeRestarted(_logger, machine, keepData);
    }

    /// <summary>Kills every node, deletes their directories, and disposes the <see cref="FleetCluster"/> when this cluster made it.</summary>
    /// <returns>A task that completes when everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var node in _nodes.Values)
        {
            await node.DisposeAsync().ConfigureAwait(false);
        }

        _http.Dispose();
        if (_ownsCluster)
        {
            await Cluster.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<NatsCluster> StartCoreAsync(FleetCluster cluster, bool ownsCluster, NatsClusterOptions options, CancellationToken cancellationToken)
    {
        if (options.Machines.Count == 0 || options.Machines.Distinct(StringComparer.Ordinal).Count() != options.Machines.Count)
        {
            throw TestingErrors.NatsClusterMachines(options.Machines);
        }

        var known = cluster.Machines.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var machine in options.Machines.Where(m => !known.Contains(m)))
        {
            await cluster.AddMachineAsync(machine, cancellationToken).ConfigureAwait(false);
        }

        // Ports first: the proxies of every link must exist before a node's routes can name them.
        var ports = new Dictionary<string, (int Client, int Route)>(StringComparer.Ordinal);
        foreach (var machine in options.Machines)
        {
            var address = cluster[machine].Address.ToString();
            ports[machine] = (ServerProcess.FreePort(address), ServerProcess.FreePort(address));
            await cluster.AddServiceAsync(machine, ClientService, ports[machine].Client, cancellationToken).ConfigureAwait(false);
            await cluster.AddServiceAsync(machine, RouteService, ports[machine].Route, cancellationToken).ConfigureAwait(false);
        }

        var nodes = new Dictionary<string, NatsServer>(StringComparer.Ordinal);
        var result = new NatsCluster(cluster, ownsCluster, options, nodes);
        try
        {
            var starts = options.Machines.Select(machine => (machine, NatsServer.StartAsync(NodeOptions(cluster, options, machine, ports), cancellationToken))).ToList();
            foreach (var (machine, start) in starts)
            {
                try
                {
                    nodes[machine] = await start.ConfigureAwait(false);
                }
                catch (Exception) when (starts.Any(s => !s.Item2.IsCompleted))
                {
                    // Let the other starts finish so their processes are disposed below, then fail with this error.
                    await Task.WhenAll(starts.Select(s => s.Item2)).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
                    foreach (var (other, task) in starts.Where(s => s.Item2.IsCompletedSuccessfully))
                    {
                        nodes[other] = task.Result;
                    }

                    throw;
                }
            }

            var leader = await result.WaitForLeaderAsync(options.StartTimeout, cancellationToken).ConfigureAwait(false);
            await result.WaitUntilHealthyAsync(options.StartTimeout, cancellationToken).ConfigureAwait(false);
            LogClusterStarted(result._logger, options.Machines.Count, string.Join(", ", options.Machines), leader);
            return result;
        }
        catch
        {
            await result.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static NatsServerOptions NodeOptions(FleetCluster cluster, NatsClusterOptions options, string machine, Dictionary<string, (int Client, int Route)> ports)
    {
        var node = new NatsServerOptions
        {
            ExecutablePath = options.ExecutablePath,
            BindAddress = cluster[machine].Address.ToString(),
            Port = ports[machine].Client,
            ServerName = machine,
            ClusterName = options.ClusterName,
            ClusterPort = ports[machine].Route,
            StartTimeout = options.StartTimeout,
            LoggerFactory = options.LoggerFactory,
            TimeProvider = options.TimeProvider,
        };
        foreach (var other in options.Machines.Where(m => m != machine))
        {
            node.Routes.Add("nats-route://" + ProxyAddress.Format(cluster.GetEndPoint(machine, RouteService, other)));
        }

        node.ExtraConfiguration.Add(string.Create(CultureInfo.InvariantCulture, $"ping_interval: \"{options.PingInterval.TotalMilliseconds:0}ms\""));
        node.ExtraConfiguration.Add("ping_max: 2");
        foreach (var line in options.ExtraConfiguration)
        {
            node.ExtraConfiguration.Add(line);
        }

        return node;
    }

    private static string? Majority(IReadOnlyList<(string Machine, string? Answer)> votes)
    {
        var needed = (votes.Count / 2) + 1;
        return votes.Where(v => v.Answer is not null)
            .GroupBy(v => v.Answer!, StringComparer.Ordinal)
            .FirstOrDefault(g => g.Count() >= needed)?.Key;
    }

    private static string? ReadMetaLeader(JsonElement json) =>
        json.TryGetProperty("meta_cluster", out var meta) && meta.TryGetProperty("leader", out var leader) && leader.GetString() is { Length: > 0 } name
            ? name
            : null;

    private static string? ReadStreamLeader(JsonElement json, string stream) =>
        FindStream(json, stream) is { } detail && detail.TryGetProperty("cluster", out var cluster) && cluster.TryGetProperty("leader", out var leader)
            && leader.GetString() is { Length: > 0 } name
            ? name
            : null;

    /// <summary>A stream's entry in <c>/jsz?accounts=true&amp;streams=true</c>.</summary>
    private static JsonElement? FindStream(JsonElement json, string stream)
    {
        if (!json.TryGetProperty("account_details", out var accounts) || accounts.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var account in accounts.EnumerateArray())
        {
            if (account.TryGetProperty("stream_detail", out var streams) && streams.ValueKind == JsonValueKind.Array)
            {
                foreach (var detail in streams.EnumerateArray())
                {
                    if (detail.TryGetProperty("name", out var name) && name.GetString() == stream)
                    {
                        return detail;
                    }
                }
            }
        }

        return null;
    }

    private static string? ReadHealth(JsonElement json) =>
        json.TryGetProperty("status", out var status) && status.GetString() == "ok"
            ? "ok"
            : json.TryGetProperty("error", out var error) ? error.GetString() : status.GetString();

    /// <summary>Asks every node (a killed one answers <see langword="null"/>); a node that does not answer in time answers <see langword="null"/> too.</summary>
    private async Task<IReadOnlyList<(string Machine, string? Answer)>> AskEveryNodeAsync(
        string path, Func<JsonElement, string?> read, CancellationToken cancellationToken, bool acceptErrors = false)
    {
        var asks = _nodes.Select(async pair =>
        {
            if (!pair.Value.IsRunning)
            {
                return (pair.Key, (string?)null);
            }

            try
            {
                using var json = await MonitorAsync(pair.Value, path, cancellationToken, acceptErrors).ConfigureAwait(false);
                return (pair.Key, read(json.RootElement));
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or (TaskCanceledException and not OperationCanceledException { CancellationToken.IsCancellationRequested: true }))
            {
                LogMonitorFailed(_logger, pair.Key, path, ex.Message);
                return (pair.Key, (string?)null);
            }
        });
        return await Task.WhenAll(asks).ConfigureAwait(false);
    }

    private async Task<JsonDocument> MonitorAsync(NatsServer node, string path, CancellationToken cancellationToken, bool acceptErrors = false)
    {
        var uri = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{node.Host}:{node.MonitorPort}/{path}"));
        using var response = await _http.GetAsync(uri, cancellationToken).ConfigureAwait(false);
        if (!acceptErrors || response.StatusCode != HttpStatusCode.ServiceUnavailable)
        {
            response.EnsureSuccessStatusCode();
        }

        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 9050, Level = LogLevel.Information, Message = "NATS cluster of {Count} nodes on {Machines} is up; JetStream leader {Leader}.")]
    private static partial void LogClusterStarted(ILogger logger, int count, string machines, string leader);

    [LoggerMessage(EventId = 9051, Level = LogLevel.Information, Message = "NATS node on {Machine} killed.")]
    private static partial void LogNodeKilled(ILogger logger, string machine);

    [LoggerMessage(EventId = 9052, Level = LogLevel.Information, Message = "NATS node on {Machine} restarted (data kept: {KeepData}).")]
    private static partial void LogNodeRestarted(ILogger logger, string machine, bool keepData);

    [LoggerMessage(EventId = 9054, Level = LogLevel.Information, Message = "NATS node on {Machine} stopped cleanly.")]
    private static partial void LogNodeStopped(ILogger logger, string machine);

    [LoggerMessage(EventId = 9053, Level = LogLevel.Debug, Message = "NATS node on {Machine} did not answer /{Path}: {Reason}.")]
    private static partial void LogMonitorFailed(ILogger logger, string machine, string path, string reason);
}
