namespace Fleet.Sdk.GpuScheduling;

/// <summary>The embedded ledger: every GPU's entries in this process, under one lock, on the injected clock.</summary>
internal sealed class InProcessGpuLedger(TimeProvider time) : IGpuLedger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<GpuId, GpuState> _gpus = [];

    public string Name => "in-process";

    public Task<ReserveOutcome> ReserveAsync(GpuId gpu, long leasableMib, LedgerEntry entry, TimeSpan ttl, string? pendingId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var (state, now) = Live(gpu);
            var reserved = state.Entries.Values.Where(e => e.LeaseId != pendingId).Sum(e => e.VramMib);
            if (state.Entries.ContainsKey(entry.LeaseId) || reserved + entry.VramMib > leasableMib)
            {
                return Task.FromResult(new ReserveOutcome(false, 0, 0, reserved));
            }

            if (pendingId is not null)
            {
                state.Entries.Remove(pendingId);
            }

            state.Fence++;
            var granted = entry with { State = EntryState.Active, Token = state.Fence, ExpiresAtMs = now + (long)ttl.TotalMilliseconds };
            state.Entries[entry.LeaseId] = granted;
            return Task.FromResult(new ReserveOutcome(true, granted.Token, granted.ExpiresAtMs, reserved + entry.VramMib));
        }
    }

    public Task<RenewOutcome> RenewAsync(GpuId gpu, string leaseId, long token, TimeSpan ttl, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var (state, now) = Live(gpu);
            if (!state.Entries.TryGetValue(leaseId, out var entry) || entry.Token != token || entry.State == EntryState.Pending)
            {
                return Task.FromResult(new RenewOutcome(RenewStatus.Lost, 0, now));
            }

            if (entry.State == EntryState.Revoking)
            {
                return Task.FromResult(new RenewOutcome(RenewStatus.Revoking, entry.ExpiresAtMs, now));
            }

            var renewed = entry with { ExpiresAtMs = now + (long)ttl.TotalMilliseconds };
            state.Entries[leaseId] = renewed;
            return Task.FromResult(new RenewOutcome(RenewStatus.Renewed, renewed.ExpiresAtMs, now));
        }
    }

    public Task<bool> ReleaseAsync(GpuId gpu, string leaseId, long token, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var (state, _) = Live(gpu);
            var removed = state.Entries.TryGetValue(leaseId, out var entry) && entry.Token == token && state.Entries.Remove(leaseId);
            return Task.FromResult(removed);
        }
    }

    public Task<int> PreemptAsync(GpuId gpu, IReadOnlyList<string> victims, TimeSpan grace, LedgerEntry pending, TimeSpan pendingTtl, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var (state, now) = Live(gpu);
            var marked = 0;
            foreach (var id in victims)
            {
                if (state.Entries.TryGetValue(id, out var victim) && victim.State == EntryState.Active && victim.Priority < pending.Priority)
                {
                    state.Entries[id] = victim with { State = EntryState.Revoking, ExpiresAtMs = Math.Min(victim.ExpiresAtMs, now + (long)grace.TotalMilliseconds) };
                    marked++;
                }
            }

            state.Entries[pending.LeaseId] = pending with { State = EntryState.Pending, Token = 0, ExpiresAtMs = now + (long)pendingTtl.TotalMilliseconds };
            return Task.FromResult(marked);
        }
    }

    public Task<LeaseCheck> ValidateAsync(GpuId gpu, string leaseId, long token, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var (state, _) = Live(gpu);
            return Task.FromResult(state.Entries.TryGetValue(leaseId, out var entry) && entry.Token == token
                ? new LeaseCheck(entry.State, state.Fence, entry.ExpiresAtMs)
                : new LeaseCheck(null, state.Fence, 0));
        }
    }

    public Task<IReadOnlyList<GpuLedgerView>> SnapshotAsync(IReadOnlyList<GpuId> gpus, bool includeOthers, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var views = new List<GpuLedgerView>(gpus.Count);
            var others = includeOthers ? _gpus.Keys.Where(k => !gpus.Contains(k)).ToList() : [];
            foreach (var gpu in gpus.Concat(others))
            {
                var (state, now) = Live(gpu);
                long? used = state.UsageExpiresAtMs > now ? state.UsedMib : null;
                views.Add(new GpuLedgerView(gpu, state.Entries.Values.ToList(), state.Fence, used, now));
            }

            return Task.FromResult<IReadOnlyList<GpuLedgerView>>(views);
        }
    }

    public Task ReportUsageAsync(GpuId gpu, long usedMib, TimeSpan ttl, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var (state, now) = Live(gpu);
            state.UsedMib = usedMib;
            state.UsageExpiresAtMs = now + (long)ttl.TotalMilliseconds;
            return Task.CompletedTask;
        }
    }

    /// <summary>The GPU's state with expired entries dropped, and the clock reading used for it.</summary>
    private (GpuState State, long NowMs) Live(GpuId gpu)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!_gpus.TryGetValue(gpu, out var state))
        {
            state = new GpuState();
            _gpus[gpu] = state;
        }

        foreach (var expired in state.Entries.Values.Where(e => e.ExpiresAtMs <= now).Select(e => e.LeaseId).ToList())
        {
            state.Entries.Remove(expired);
        }

        return (state, now);
    }

    private sealed class GpuState
    {
        public Dictionary<string, LedgerEntry> Entries { get; } = new(StringComparer.Ordinal);

        public long Fence { get; set; }

        public long UsedMib { get; set; }

        public long UsageExpiresAtMs { get; set; }
    }
}
