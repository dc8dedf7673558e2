using Fleet.Sdk.GpuScheduling;

namespace Fleet.Sdk.IntegrationTests.Coordination;

/// <summary>
/// Every lease granted in a scenario, with when its holder may use it: from the grant (the ledger's clock, its
/// first expiry minus the TTL) until the holder released it or, for a lease it lost, the last expiry the ledger
/// gave it. All machines are simulated on one host, so one clock. From these intervals: over-commit (a moment at
/// which a GPU's usable leases exceed what it can lease) and fencing order (tokens in grant order).
/// </summary>
internal sealed class NatsLedgerLeases(TimeSpan ttl)
{
    private readonly Lock _gate = new();
    private readonly List<Held> _leases = [];

    public void Granted(string machine, GpuLease lease)
    {
        lock (_gate)
        {
            _leases.Add(new Held(machine, lease, lease.ExpiresAt - ttl));
        }
    }

    public void Stopped(GpuLease lease, DateTimeOffset at)
    {
        lock (_gate)
        {
            _leases.Single(h => h.Lease == lease).StoppedAt ??= at;
        }
    }

    /// <summary>Gets the highest fencing token granted on a GPU so far.</summary>
    public long MaxToken(string gpuMachine)
    {
        lock (_gate)
        {
            return _leases.Where(h => h.Lease.Machine == gpuMachine).Select(h => h.Lease.FencingToken).DefaultIfEmpty(0).Max();
        }
    }

    /// <summary>How many grants on the GPU found its usable leases (the new one included) above <paramref name="leasableMib"/>.</summary>
    public int OverCommits(string gpuMachine, long leasableMib, out string worst)
    {
        var leases = Snapshot(gpuMachine);
        var count = 0;
        worst = "none";
        foreach (var grant in leases)
        {
            var overlapping = leases.Where(h => h.From <= grant.From && h.Until > grant.From).ToList();
            var total = overlapping.Sum(h => h.Lease.VramMib);
            if (total > leasableMib)
            {
                count++;
                worst = $"at {grant.From:O}: {total} MiB of {leasableMib} held by {string.Join(", ", overlapping.Select(h => $"{h.Machine} token {h.Lease.FencingToken}"))}";
            }
        }

        return count;
    }

    /// <summary>Grants whose token is not above every token granted before them on the GPU (ledger grant times in order).</summary>
    public IReadOnlyList<string> TokensOutOfOrder(string gpuMachine)
    {
        var byToken = Snapshot(gpuMachine).OrderBy(h => h.Lease.FencingToken).ToList();
        var problems = new List<string>();
        for (var i = 1; i < byToken.Count; i++)
        {
            if (byToken[i].Lease.FencingToken == byToken[i - 1].Lease.FencingToken || byToken[i].From < byToken[i - 1].From)
            {
                problems.Add($"token {byToken[i].Lease.FencingToken} ({byToken[i].Machine}, {byToken[i].From:O}) after token {byToken[i - 1].Lease.FencingToken} ({byToken[i - 1].Machine}, {byToken[i - 1].From:O})");
            }
        }

        return problems;
    }

    public int Count(string gpuMachine) => Snapshot(gpuMachine).Count;

    private List<Held> Snapshot(string gpuMachine)
    {
        lock (_gate)
        {
            return [.. _leases.Where(h => h.Lease.Machine == gpuMachine)];
        }
    }

    private sealed class Held(string machine, GpuLease lease, DateTimeOffset from)
    {
        public string Machine { get; } = machine;

        public GpuLease Lease { get; } = lease;

        public DateTimeOffset From { get; } = from;

        public DateTimeOffset? StoppedAt { get; set; }

        /// <summary>Gets when the holder stopped: released, else (lost or still held) the last expiry the ledger gave it.</summary>
        public DateTimeOffset Until => StoppedAt is { } stopped && stopped < Lease.ExpiresAt ? stopped : Lease.ExpiresAt;
    }
}
