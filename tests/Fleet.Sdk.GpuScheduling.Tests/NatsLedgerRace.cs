namespace Fleet.Sdk.GpuScheduling.Tests;

/// <summary>
/// Several processes (each its own NATS connection) race for one GPU through the NATS ledger: compare-and-set
/// on the GPU's revision must never let them over-commit it, and every grant must get its own fencing token.
/// The NATS conformance classes run it on one server and on three (where nats-server before 2.9.21 lets two
/// compare-and-set writes from one revision both pass unless the ledger guards against it).
/// </summary>
internal static class NatsLedgerRace
{
    /// <summary>Six ledgers (two writers each), one per server list in turn (so on a cluster each node has writers), race for mainpc's GPU.</summary>
    public static async Task RunAsync(IReadOnlyList<string> servers)
    {
        const long Leasable = 10_000;
        var gpu = new GpuId("mainpc", 0);
        var fleets = new List<GpuTestFleet> { GpuTestFleet.Create(servers[0]) };
        fleets.AddRange(Enumerable.Range(1, 5).Select(i => GpuTestFleet.Create(servers[i % servers.Count], sharing: fleets[0])));
        try
        {
            await RaceAsync(fleets, gpu, Leasable);
        }
        finally
        {
            foreach (var fleet in fleets)
            {
                await fleet.DisposeAsync();
            }
        }
    }

    private static async Task RaceAsync(List<GpuTestFleet> fleets, GpuId gpu, long leasable)
    {
        var first = fleets[0];
        foreach (var fleet in fleets)
        {
            // Connect each (and make the bucket) before the race.
            await fleet.Ledger.SnapshotAsync([gpu], includeOthers: false, CancellationToken.None);
        }

        var gate = new Lock();
        long held = 0;
        var maxHeld = 0L;
        var tokens = new List<long>();
        var refused = 0;

        async Task ClientAsync(IGpuLedger ledger, int seed)
        {
            var random = new Random(seed);
            var mine = new List<(LedgerEntry Entry, long Token)>();
            var last = 0L;
            for (var step = 0; step < 25; step++)
            {
                if (mine.Count > 0 && (mine.Count == 2 || random.Next(2) == 0))
                {
                    var lease = mine[0];
                    mine.RemoveAt(0);
                    lock (gate)
                    {
                        held -= lease.Entry.VramMib; // Counted out before the ledger frees it: never under-counts.
                    }

                    Assert.True(await ledger.ReleaseAsync(gpu, lease.Entry.LeaseId, lease.Token, CancellationToken.None));
                    continue;
                }

                var entry = new LedgerEntry(Guid.NewGuid().ToString("N"), $"w{seed}", "default", $"client-{seed}", random.Next(1000, 4500), 0);
                var outcome = await ledger.ReserveAsync(gpu, leasable, entry, TimeSpan.FromMinutes(1), null, CancellationToken.None);
                if (!outcome.Granted)
                {
                    Interlocked.Increment(ref refused);
                    continue;
                }

                Assert.True(outcome.Token > last, $"client {seed} got token {outcome.Token} after {last}");
                last = outcome.Token;
                mine.Add((entry, outcome.Token));
                lock (gate)
                {
                    held += entry.VramMib; // Counted in after the ledger granted it: never under-counts.
                    maxHeld = Math.Max(maxHeld, held);
                    tokens.Add(outcome.Token);
                }
            }

            foreach (var (entry, token) in mine)
            {
                lock (gate)
                {
                    held -= entry.VramMib;
                }

                Assert.True(await ledger.ReleaseAsync(gpu, entry.LeaseId, token, CancellationToken.None));
            }
        }

        // Two writers per process: twelve at once.
        await Task.WhenAll(fleets.SelectMany((f, i) => new[] { Task.Run(() => ClientAsync(f.Ledger, 2 * i)), Task.Run(() => ClientAsync(f.Ledger, (2 * i) + 1)) }));

        var view = Assert.Single(await first.Ledger.SnapshotAsync([gpu], includeOthers: false, CancellationToken.None));
        Assert.True(maxHeld <= leasable, $"over-committed: {maxHeld} MiB held at once of {leasable}");
        Assert.True(tokens.Count >= 20 && refused > 0, $"granted {tokens.Count}, refused {refused}: the race should both fill the GPU and be refused");
        Assert.Equal(Enumerable.Range(1, tokens.Count).Select(t => (long)t), tokens.Order()); // Each grant its own token, none skipped or repeated.
        Assert.Equal(tokens.Count, view.Fence);
        Assert.Empty(view.Entries);
    }
}
