using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Fleet.Sdk.Coordination;

/// <summary>The NATS side of <see cref="CoordinationStatusExtensions.GetStatusAsync"/>: the JetStream account, every stream's info (leader, replicas and their lag), buckets split from streams.</summary>
internal static class NatsStatusReader
{
    /// <summary>The stream prefix NATS gives key-value buckets.</summary>
    private const string BucketPrefix = "KV_";

    public static async Task<CoordinationStatus> ReadAsync(IFleetNats nats, CancellationToken cancellationToken)
    {
        var roundTrip = await nats.PingAsync(nats.OperationTimeout, cancellationToken).ConfigureAwait(false);
        var infos = await nats.RunAsync(
            "list the JetStream streams",
            async token =>
            {
                _ = await nats.JetStream.GetAccountInfoAsync(token).ConfigureAwait(false);
                var list = new List<StreamInfo>();
                await foreach (var stream in nats.JetStream.ListStreamsAsync(cancellationToken: token).ConfigureAwait(false))
                {
                    list.Add(stream.Info);
                }

                return list;
            },
            nats.OperationTimeout,
            cancellationToken).ConfigureAwait(false);
        return Build(nats.Endpoint, nats.KeyPrefix, roundTrip, nats.Connection.ServerInfo?.Name, infos);
    }

    /// <summary>The status from the connected server's name and the streams' infos.</summary>
    internal static CoordinationStatus Build(string endpoint, string keyPrefix, TimeSpan roundTrip, string? connectedServer, IReadOnlyList<StreamInfo> infos)
    {
        var problems = new List<string>();
        var nodes = new Dictionary<string, CoordinationNodeStatus>(StringComparer.Ordinal);
        var streams = new List<CoordinationStoreStatus>();
        var buckets = new List<CoordinationStoreStatus>();
        foreach (var info in infos.OrderBy(i => i.Config.Name, StringComparer.Ordinal))
        {
            var name = info.Config.Name ?? string.Empty;
            var leader = info.Cluster?.Leader;
            var store = new CoordinationStoreStatus(
                name.StartsWith(BucketPrefix, StringComparison.Ordinal) ? name[BucketPrefix.Length..] : name,
                (long)info.State.Messages,
                (long)info.State.Bytes,
                info.Config.NumReplicas,
                leader);
            (name.StartsWith(BucketPrefix, StringComparison.Ordinal) ? buckets : streams).Add(store);
            if (leader is not null)
            {
                nodes[leader] = new CoordinationNodeStatus(leader, "leader", "current", null, null);
            }
            else if (info.Config.NumReplicas > 1)
            {
                problems.Add($"{name} has no leader (no quorum of its {info.Config.NumReplicas} replicas)");
            }

            foreach (var peer in info.Cluster?.Replicas ?? [])
            {
                var state = peer.Offline ? "offline" : peer.Current ? "current" : "catching up";
                if (peer.Offline || !peer.Current)
                {
                    problems.Add($"{name}: replica {peer.Name} is {state}");
                }

                // A server leads some streams and follows others: keep the worst lag it has anywhere, and "leader" only where it never follows.
                var lag = (long)peer.Lag;
                if (!nodes.TryGetValue(peer.Name, out var known) || known.Role != "leader" && (known.LagOperations ?? 0) <= lag)
                {
                    nodes[peer.Name] = new CoordinationNodeStatus(peer.Name, "replica", state, lag, peer.Active);
                }
            }
        }

        if (connectedServer is not null && !nodes.ContainsKey(connectedServer))
        {
            nodes[connectedServer] = new CoordinationNodeStatus(connectedServer, "server", "connected", null, null);
        }

        var leaders = streams.Concat(buckets).Select(s => s.Leader).OfType<string>().GroupBy(l => l, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ToList();
        var clusterLeader = leaders.Count switch
        {
            0 => connectedServer,
            1 => leaders[0].Key,
            _ => $"{leaders[0].Key} (leads {leaders[0].Count()} of {streams.Count + buckets.Count}; others: {string.Join(", ", leaders.Skip(1).Select(g => g.Key))})",
        };
        return new CoordinationStatus(
            CoordinationEngine.Nats,
            endpoint,
            keyPrefix,
            roundTrip,
            clusterLeader,
            nodes.Values.OrderBy(n => n.Role == "leader" ? 0 : 1).ThenBy(n => n.Name, StringComparer.Ordinal).ToList(),
            streams,
            buckets,
            problems);
    }
}
