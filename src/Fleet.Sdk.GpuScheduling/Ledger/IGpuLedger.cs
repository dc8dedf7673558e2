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
