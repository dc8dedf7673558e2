namespace Fleet.Sdk.GpuScheduling;

/// <summary>The embedded ledger: one <see cref="GpuLedgerRecord"/> per GPU in this process, under one lock, on the injected clock.</summary>
internal sealed class InProcessGpuLedger(TimeProvider time) : IGpuLedger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<GpuId, GpuState> _gpus = [];

    public string Name => "in-process";

    public Task<ReserveOutcome> ReserveAsync(GpuId gpu, long leasableMib, LedgerEntry entry, TimeSpan ttl, string? pendingId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(State(gpu).Record.Reserve(Now(), leasableMib, entry, ttl, pendingId));
        }
    }

    public Task<RenewOutcome> RenewAsync(GpuId gpu, string leaseId, long token, TimeSpan ttl, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(State(gpu).Record.Renew(Now(), leaseId, token, ttl));
        }
    }

    public Task<bool> ReleaseAsync(GpuId gpu, string leaseId, long token, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(State(gpu).Record.Release(Now(), leaseId, token));
        }
    }

    public Task<int> PreemptAsync(GpuId gpu, IReadOnlyList<string> victims, TimeSpan grace, LedgerEntry pending, TimeSpan pendingTtl, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(State(gpu).Record.Preempt(Now(), victims, grace, pending, pendingTtl));
        }
    }

    public Task<LeaseCheck> ValidateAsync(GpuId gpu, string leaseId, long token, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(State(gpu).Record.Validate(Now(), leaseId, token));
        }
    }

    public Task<IReadOnlyList<GpuLedgerView>> SnapshotAsync(IReadOnlyList<GpuId> gpus, bool includeOthers, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var views = new List<GpuLedgerView>(gpus.Count);
            var others = includeOthers ? _gpus.Keys.Where(k => !gpus.Contains(k)).ToList() : [];
            var now = Now();
            foreach (var gpu in gpus.Concat(others))
            {
                var state = State(gpu);
                long? used = state.UsageExpiresAtMs > now ? state.UsedMib : null;
                views.Add(state.Record.View(now, gpu, used));
            }

            return Task.FromResult<IReadOnlyList<GpuLedgerView>>(views);
        }
    }

    public Task ReportUsageAsync(GpuId gpu, long usedMib, TimeSpan ttl, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var state = State(gpu);
            state.UsedMib = usedMib;
            state.UsageExpiresAtMs = Now() + GpuLedgerRecord.Ms(ttl);
            return Task.CompletedTask;
        }
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private GpuState State(GpuId gpu)
    {
        if (!_gpus.TryGetValue(gpu, out var state))
        {
            state = new GpuState();
            _gpus[gpu] = state;
        }

        return state;
    }

    private sealed class GpuState
    {
        public GpuLedgerRecord Record { get; } = new();

        public long UsedMib { get; set; }

        public long UsageExpiresAtMs { get; set; }
    }
}
