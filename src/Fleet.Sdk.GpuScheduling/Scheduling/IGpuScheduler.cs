namespace Fleet.Sdk.GpuScheduling;

/// <summary>
/// Places workloads on the fleet's GPUs by VRAM and holds the reservations as leases. Every
/// reservation goes through the ledger (Redis or in-process), which never lets the leases of a GPU
/// exceed its capacity minus its safety margin, whatever the interleaving of callers.
/// </summary>
public interface IGpuScheduler
{
    /// <summary>
    /// Places a request and leases the VRAM: the best-fitting GPU of a live machine for the first
    /// variant that fits; failing that, evicts lower-priority leases (after their grace period) when
    /// the rules allow. Waits up to <paramref name="wait"/> for room (machines coming back, leases
    /// released or expiring); the returned lease renews itself until released or disposed.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="wait">How long to wait for room; <see cref="TimeSpan.Zero"/> answers at once.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The lease, or why the request does not fit, with the best candidates.</returns>
    /// <exception cref="ArgumentException">The request is malformed (the message says which field).</exception>
    /// <exception cref="GpuLedgerUnavailableException">The ledger cannot be reached.</exception>
    Task<GpuAcquireResult> AcquireAsync(GpuRequest request, TimeSpan wait, CancellationToken cancellationToken = default);

    /// <summary>Checks a fencing token against the ledger: a holder cut off from it learns here that its lease is gone.</summary>
    /// <param name="token">The token.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What the token is worth now.</returns>
    /// <exception cref="GpuLedgerUnavailableException">The ledger cannot be reached.</exception>
    Task<GpuLeaseValidity> ValidateAsync(GpuFencingToken token, CancellationToken cancellationToken = default);

    /// <summary>Gets every GPU of the inventory (and any the ledger holds leases on), with its leases and usage.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The GPUs, by machine and index.</returns>
    /// <exception cref="GpuLedgerUnavailableException">The ledger cannot be reached.</exception>
    Task<IReadOnlyList<GpuDeviceStatus>> GetStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Shows where requests would go, in order, each placed on what the earlier ones left; reserves nothing.</summary>
    /// <param name="requests">The requests.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One plan per request.</returns>
    /// <exception cref="GpuLedgerUnavailableException">The ledger cannot be reached.</exception>
    Task<IReadOnlyList<GpuPlacementPlan>> PlanAsync(IEnumerable<GpuRequest> requests, CancellationToken cancellationToken = default);
}
