namespace Fleet.Sdk.GpuScheduling;

/// <summary>
/// Where leases live. Every operation is atomic per GPU: a reservation is granted only when the
/// GPU's unexpired entries (live, revoking and pending) plus the request fit its leasable capacity,
/// so live plus revoking leases never exceed it. Expiry is decided by the ledger's clock.
/// Both implementations pass one conformance suite.
/// </summary>
internal interface IGpuLedger
{
    string Name { get; }

    Task<ReserveOutcome> ReserveAsync(GpuId gpu, long leasableMib, LedgerEntry entry, TimeSpan ttl, string? pendingId, CancellationToken cancellationToken);

    Task<RenewOutcome> RenewAsync(GpuId gpu, string leaseId, long token, TimeSpan ttl, CancellationToken cancellationToken);

    Task<bool> ReleaseAsync(GpuId gpu, string leaseId, long token, CancellationToken cancellationToken);

    /// <summary>Marks the victims (live, strictly lower priority) as revoking until now + grace, and records a pending entry for the preemptor.</summary>
    Task<int> PreemptAsync(GpuId gpu, IReadOnlyList<string> victims, TimeSpan grace, LedgerEntry pending, TimeSpan pendingTtl, CancellationToken cancellationToken);

    Task<LeaseCheck> ValidateAsync(GpuId gpu, string leaseId, long token, CancellationToken cancellationToken);

    /// <summary>Reads the GPUs (dropping expired entries); with <paramref name="includeOthers"/>, also every other GPU the ledger has held leases on.</summary>
    Task<IReadOnlyList<GpuLedgerView>> SnapshotAsync(IReadOnlyList<GpuId> gpus, bool includeOthers, CancellationToken cancellationToken);

    Task ReportUsageAsync(GpuId gpu, long usedMib, TimeSpan ttl, CancellationToken cancellationToken);
}

/// <summary>A GPU's identity: machine and device index.</summary>
internal readonly record struct GpuId(string Machine, int Index)
{
    public override string ToString() => $"{Machine}/{Index}";
}

internal enum EntryState
{
    Active,
    Revoking,
    Pending,
}

/// <summary>One reservation as the ledger stores it; <see cref="Token"/> and <see cref="ExpiresAtMs"/> are the ledger's.</summary>
internal sealed record LedgerEntry(string LeaseId, string Workload, string Variant, string Holder, long VramMib, int Priority)
{
    public EntryState State { get; init; } = EntryState.Active;

    public long Token { get; init; }

    public long ExpiresAtMs { get; init; }
}

internal readonly record struct ReserveOutcome(bool Granted, long Token, long ExpiresAtMs, long ReservedMib);

internal enum RenewStatus
{
    Renewed,
    Revoking,
    Lost,
}

/// <summary>A renewal's outcome: the (new) expiry, and the ledger's clock when it answered.</summary>
internal readonly record struct RenewOutcome(RenewStatus Status, long ExpiresAtMs, long NowMs);

internal readonly record struct LeaseCheck(EntryState? State, long CurrentFence, long ExpiresAtMs);

/// <summary>A GPU's unexpired entries, last fencing token and last reported usage, as of <see cref="NowMs"/> (ledger clock).</summary>
internal sealed record GpuLedgerView(GpuId Gpu, IReadOnlyList<LedgerEntry> Entries, long Fence, long? UsedMib, long NowMs)
{
    public long ReservedMib => Entries.Sum(e => e.VramMib);

    public long GrantedMib => Entries.Where(e => e.State != EntryState.Pending).Sum(e => e.VramMib);
}
