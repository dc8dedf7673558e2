using System.Globalization;
using StackExchange.Redis;

namespace Fleet.Sdk.Coordination;

/// <summary>The Redis side of <see cref="CoordinationStatusExtensions.GetStatusAsync"/>: INFO replication and the fleet's streams through one script on the master, then each sentinel.</summary>
internal static class RedisStatusReader
{
    /// <summary>INFO replication, then name and length of every stream key under the prefix (ARGV[1]).</summary>
    private const string Script = """
        local streams = {}
        local cursor = '0'
        repeat
          local page = redis.call('SCAN', cursor, 'MATCH', ARGV[1] .. '*', 'COUNT', 1000, 'TYPE', 'stream')
          cursor = page[1]
          for _, key in ipairs(page[2]) do
            table.insert(streams, key)
            table.insert(streams, redis.call('XLEN', key))
          end
        until cursor == '0'
        return { redis.call('INFO', 'replication'), streams }
        """;

    public static async Task<CoordinationStatus> ReadAsync(IFleetRedis redis, RedisCoordinationOptions? options, CancellationToken cancellationToken)
    {
        var roundTrip = await redis.PingAsync(redis.OperationTimeout, cancellationToken).ConfigureAwait(false);
        var reply = await redis.EvaluateAsync(Script, [], [redis.KeyPrefix], redis.OperationTimeout, cancellationToken).ConfigureAwait(false);
        var problems = new List<string>();
        var master = options is { UsesSentinel: true } ? null : redis.Endpoint;
        var nodes = new List<CoordinationNodeStatus>();
        var sentinelNodes = new List<CoordinationNodeStatus>();
        if (options is { UsesSentinel: true })
        {
            foreach (var sentinel in options.Sentinels!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var (node, masterSeen) = await AskSentinelAsync(sentinel, options.ServiceName, redis.OperationTimeout, cancellationToken).ConfigureAwait(false);
                sentinelNodes.Add(node);
                master ??= masterSeen;
                if (masterSeen is null)
                {
                    problems.Add($"sentinel {sentinel}: {node.State}");
                }
            }
        }

        var replication = ParseInfo(reply.Items[0].AsText() ?? string.Empty);
        nodes.AddRange(Nodes(replication, master ?? redis.Endpoint, problems));
        nodes.AddRange(sentinelNodes);
        var streams = new List<CoordinationStoreStatus>();
        var pairs = reply.Items[1].Items;
        for (var i = 0; i + 1 < pairs.Count; i += 2)
        {
            var name = pairs[i].AsText() ?? string.Empty;
            streams.Add(new CoordinationStoreStatus(name.StartsWith(redis.KeyPrefix, StringComparison.Ordinal) ? name[redis.KeyPrefix.Length..] : name, pairs[i + 1].Integer, null, null, null));
        }

        return new CoordinationStatus(
            CoordinationEngine.Redis,
            redis.Endpoint,
            redis.KeyPrefix,
            roundTrip,
            master,
            nodes,
            streams.OrderBy(s => s.Name, StringComparer.Ordinal).ToList(),
            [],
            problems);
    }

    /// <summary>The <c>key:value</c> lines of an INFO section.</summary>
    internal static IReadOnlyDictionary<string, string> ParseInfo(string info) =>
        info.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith('#') && l.Contains(':', StringComparison.Ordinal))
            .Select(l => l.Split(':', 2))
            .GroupBy(p => p[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal);

    /// <summary>The master and its replicas from INFO replication on the master (<c>slaveN:ip=..,port=..,state=..,offset=..,lag=..</c>).</summary>
    internal static IReadOnlyList<CoordinationNodeStatus> Nodes(IReadOnlyDictionary<string, string> replication, string master, List<string> problems)
    {
        var role = replication.GetValueOrDefault("role", "unknown");
        if (role != "master")
        {
            problems.Add($"the server the connection uses reports role '{role}', not master (master link: {replication.GetValueOrDefault("master_link_status", "unknown")})");
        }

        var nodes = new List<CoordinationNodeStatus> { new(master, role == "master" ? "master" : role, "online", null, null) };
        _ = long.TryParse(replication.GetValueOrDefault("master_repl_offset"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var masterOffset);
        var count = int.TryParse(replication.GetValueOrDefault("connected_slaves"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
        for (var i = 0; i < count; i++)
        {
            if (!replication.TryGetValue(string.Create(CultureInfo.InvariantCulture, $"slave{i}"), out var line))
            {
                continue;
            }

            var fields = line.Split(',').Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
            var state = fields.GetValueOrDefault("state", "unknown");
            long? lag = long.TryParse(fields.GetValueOrDefault("offset"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var offset) ? Math.Max(0, masterOffset - offset) : null;
            TimeSpan? seen = int.TryParse(fields.GetValueOrDefault("lag"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : null;
            nodes.Add(new CoordinationNodeStatus($"{fields.GetValueOrDefault("ip", "?")}:{fields.GetValueOrDefault("port", "?")}", "replica", state, lag, seen));
            if (state != "online")
            {
                problems.Add($"replica {nodes[^1].Name} is {state}");
            }
        }

        return nodes;
    }

    /// <summary>Asks one sentinel for the master of <paramref name="service"/>: the sentinel's node row, and the master's address when it knows one.</summary>
    private static async Task<(CoordinationNodeStatus Node, string? Master)> AskSentinelAsync(string sentinel, string service, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var configuration = new ConfigurationOptions
        {
            CommandMap = CommandMap.Sentinel,
            AbortOnConnectFail = false,
            ConnectTimeout = (int)timeout.TotalMilliseconds,
            SyncTimeout = (int)timeout.TotalMilliseconds,
            AsyncTimeout = (int)timeout.TotalMilliseconds,
            ConnectRetry = 1,
        };
        configuration.EndPoints.Add(sentinel);
        try
        {
            using var connection = await ConnectionMultiplexer.ConnectAsync(configuration).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            var master = (await connection.GetServer(configuration.EndPoints[0]).SentinelMasterAsync(service).WaitAsync(timeout, cancellationToken).ConfigureAwait(false))
                .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            var address = $"{master.GetValueOrDefault("ip", "?")}:{master.GetValueOrDefault("port", "?")}";
            var state = $"master {address} ({master.GetValueOrDefault("flags", "?")}; {master.GetValueOrDefault("num-slaves", "?")} replica(s), {master.GetValueOrDefault("num-other-sentinels", "?")} other sentinel(s), quorum {master.GetValueOrDefault("quorum", "?")})";
            return (new CoordinationNodeStatus(sentinel, "sentinel", state, null, null), address);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return (new CoordinationNodeStatus(sentinel, "sentinel", $"unreachable ({ex.Message})", null, null), null);
        }
    }
}
