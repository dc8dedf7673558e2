using System.Globalization;
using System.Text.Json;
using Fleet.Sdk.Coordination;

namespace Fleet.Sdk.GpuScheduling;

/// <summary>
/// The fleet-wide ledger in Redis, through the coordination layer's shared <see cref="IFleetRedis"/> connection; every
/// operation is one atomic script. Grants and pending reservations are acknowledged only once the replicas
/// <c>Fleet:Coordination:Redis:MinReplicaAcks</c> asks for have them.
/// </summary>
internal sealed class RedisGpuLedger(IFleetRedis redis, TimeSpan timeout) : IGpuLedger
{
    public string Name => "redis";

    public async Task<ReserveOutcome> ReserveAsync(GpuId gpu, long leasableMib, LedgerEntry entry, TimeSpan ttl, string? pendingId, CancellationToken cancellationToken)
    {
        var reply = await RunAsync(
            RedisGpuLedgerScripts.Reserve,
            [Key(gpu, "leases"), Key(gpu, "fence"), IndexKey],
            [entry.LeaseId, Text(leasableMib), Text(entry.VramMib), Text(entry.Priority), Text(Ms(ttl)), entry.Workload, entry.Variant, entry.Holder, pendingId ?? string.Empty, gpu.ToString()],
            cancellationToken,
            replicated: true).ConfigureAwait(false);
        var items = reply.Items;
        return new ReserveOutcome(items[0].Integer == 1, items[1].Integer, items[2].Integer, items[3].Integer);
    }

    public async Task<RenewOutcome> RenewAsync(GpuId gpu, string leaseId, long token, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var reply = await RunAsync(RedisGpuLedgerScripts.Renew, [Key(gpu, "leases")], [leaseId, Text(token), Text(Ms(ttl))], cancellationToken).ConfigureAwait(false);
        var status = reply.Items[0].Integer switch
        {
            1 => RenewStatus.Renewed,
            2 => RenewStatus.Revoking,
            _ => RenewStatus.Lost,
        };
        return new RenewOutcome(status, reply.Items[1].Integer, reply.Items[2].Integer);
    }

    public async Task<bool> ReleaseAsync(GpuId gpu, string leaseId, long token, CancellationToken cancellationToken)
    {
        var reply = await RunAsync(RedisGpuLedgerScripts.Release, [Key(gpu, "leases")], [leaseId, Text(token)], cancellationToken).ConfigureAwait(false);
        return reply.Integer == 1;
    }

    public async Task<int> PreemptAsync(GpuId gpu, IReadOnlyList<string> victims, TimeSpan grace, LedgerEntry pending, TimeSpan pendingTtl, CancellationToken cancellationToken)
    {
        string[] arguments =
        [
            pending.LeaseId, Text(Ms(grace)), Text(Ms(pendingTtl)), Text(pending.VramMib), Text(pending.Priority),
            pending.Workload, pending.Variant, pending.Holder, gpu.ToString(), .. victims,
        ];
        var reply = await RunAsync(RedisGpuLedgerScripts.Preempt, [Key(gpu, "leases"), IndexKey], arguments, cancellationToken, replicated: true).ConfigureAwait(false);
        return (int)reply.Integer;
    }

    public async Task<LeaseCheck> ValidateAsync(GpuId gpu, string leaseId, long token, CancellationToken cancellationToken)
    {
        var reply = await RunAsync(RedisGpuLedgerScripts.Validate, [Key(gpu, "leases"), Key(gpu, "fence")], [leaseId, Text(token)], cancellationToken).ConfigureAwait(false);
        var state = reply.Items[0].AsText() is { Length: > 0 } s ? ParseState(s) : (EntryState?)null;
        return new LeaseCheck(state, reply.Items[1].Integer, reply.Items[2].Integer);
    }

    public async Task<IReadOnlyList<GpuLedgerView>> SnapshotAsync(IReadOnlyList<GpuId> gpus, bool includeOthers, CancellationToken cancellationToken)
    {
        var all = gpus.ToList();
        if (includeOthers)
        {
            var members = await RunAsync(RedisGpuLedgerScripts.Members, [IndexKey], [], cancellationToken).ConfigureAwait(false);
            foreach (var member in members.Items.Select(m => m.AsText()))
            {
                if (TryParseMember(member, out var gpu) && !all.Contains(gpu))
                {
                    all.Add(gpu);
                }
            }
        }

        if (all.Count == 0)
        {
            return [];
        }

        var keys = all.SelectMany(g => new[] { Key(g, "leases"), Key(g, "fence"), Key(g, "usage") }).ToArray();
        var reply = await RunAsync(RedisGpuLedgerScripts.Snapshot, keys, [], cancellationToken).ConfigureAwait(false);
        var now = reply.Items[0].Integer;
        var views = new List<GpuLedgerView>(all.Count);
        for (var i = 0; i < all.Count; i++)
        {
            var item = reply.Items[i + 1].Items;
            var usage = item[1].AsText();
            long? used = long.TryParse(usage, NumberStyles.Integer, CultureInfo.InvariantCulture, out var u) ? u : null;
            var pairs = item[2].Items;
            var entries = new List<LedgerEntry>(pairs.Count / 2);
            for (var p = 0; p + 1 < pairs.Count; p += 2)
            {
                entries.Add(Decode(pairs[p].AsText() ?? string.Empty, pairs[p + 1].AsText() ?? "{}"));
            }

            views.Add(new GpuLedgerView(all[i], entries, item[0].Integer, used, now));
        }

        return views;
    }

    public Task ReportUsageAsync(GpuId gpu, long usedMib, TimeSpan ttl, CancellationToken cancellationToken) =>
        RunAsync(RedisGpuLedgerScripts.Usage, [Key(gpu, "usage")], [Text(usedMib), Text(Ms(ttl))], cancellationToken);

    private string IndexKey => redis.KeyPrefix + "gpu:index";

    private string Key(GpuId gpu, string part) => string.Create(CultureInfo.InvariantCulture, $"{redis.KeyPrefix}gpu:{gpu.Machine}:{gpu.Index}:{part}");

    private async Task<RedisReply> RunAsync(string script, IReadOnlyList<string> keys, IReadOnlyList<string> arguments, CancellationToken cancellationToken, bool replicated = false)
    {
        try
        {
            return replicated
                ? await redis.EvaluateReplicatedAsync(script, keys, arguments, timeout, cancellationToken).ConfigureAwait(false)
                : await redis.EvaluateAsync(script, keys, arguments, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (CoordinationUnavailableException ex)
        {
            throw GpuSchedulingErrors.LedgerUnavailable(ex);
        }
    }

    private static bool TryParseMember(string? member, out GpuId gpu)
    {
        gpu = default;
        var slash = member?.LastIndexOf('/') ?? -1;
        if (slash <= 0 || !int.TryParse(member.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return false;
        }

        gpu = new GpuId(member![..slash], index);
        return true;
    }

    private static LedgerEntry Decode(string id, string json)
    {
        var e = JsonSerializer.Deserialize(json, RedisEntryJsonContext.Default.RedisEntry) ?? new RedisEntry();
        return new LedgerEntry(id, e.W ?? string.Empty, e.V ?? string.Empty, e.H ?? string.Empty, (long)e.M, (int)e.P)
        {
            State = ParseState(e.S ?? "A"),
            Token = (long)e.T,
            ExpiresAtMs = (long)e.X,
        };
    }

    private static EntryState ParseState(string state) => state switch
    {
        "R" => EntryState.Revoking,
        "P" => EntryState.Pending,
        _ => EntryState.Active,
    };

    private static long Ms(TimeSpan span) => Math.Max(1, (long)span.TotalMilliseconds);

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
