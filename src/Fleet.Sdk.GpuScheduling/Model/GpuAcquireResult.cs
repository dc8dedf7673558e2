namespace Fleet.Sdk.GpuScheduling;

/// <summary>The outcome of <see cref="IGpuScheduler.AcquireAsync"/>: a lease, or why the request fits nowhere.</summary>
public sealed class GpuAcquireResult
{
    private GpuAcquireResult(GpuLease? lease, string? reason, IReadOnlyList<GpuCandidate> candidates)
    {
        Lease = lease;
        Reason = reason;
        Candidates = candidates;
    }

    /// <summary>Gets a value indicating whether a lease was granted.</summary>
    public bool Succeeded => Lease is not null;

    /// <summary>Gets the lease, when granted.</summary>
    public GpuLease? Lease { get; }

    /// <summary>Gets why no lease was granted, when none was.</summary>
    public string? Reason { get; }

    /// <summary>Gets the best GPUs considered, best first, each with why it was not (or was) chosen.</summary>
    public IReadOnlyList<GpuCandidate> Candidates { get; }

    internal static GpuAcquireResult Granted(GpuLease lease) => new(lease, null, []);

    internal static GpuAcquireResult DoesNotFit(string reason, IReadOnlyList<GpuCandidate> candidates) => new(null, reason, candidates);

    /// <inheritdoc />
    public override string ToString() => Lease is { } lease
        ? $"granted {lease}"
        : $"does not fit: {Reason}" + string.Concat(Candidates.Select(c => $"{Environment.NewLine}  {c}"));
}

/// <summary>A GPU considered for a request.</summary>
/// <param name="Machine">The machine.</param>
/// <param name="GpuIndex">The GPU's index on the machine.</param>
/// <param name="GpuName">The GPU's model.</param>
/// <param name="FreeMib">VRAM free for new leases (capacity minus safety margin minus reserved), in MiB.</param>
/// <param name="Reason">Why it does not fit, or what it would take.</param>
public sealed record GpuCandidate(string Machine, int GpuIndex, string GpuName, long FreeMib, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"{Machine}/{GpuIndex} ({GpuName}, {FreeMib} MiB free): {Reason}";
}

/// <summary>Where a request would go (<see cref="IGpuScheduler.PlanAsync"/>); nothing is reserved.</summary>
/// <param name="Request">The request.</param>
/// <param name="Machine">The machine, when it fits.</param>
/// <param name="GpuIndex">The GPU, when it fits.</param>
/// <param name="Variant">The variant that fits.</param>
/// <param name="VramMib">The VRAM of that variant.</param>
/// <param name="Preempts">The leases it would evict (workload names).</param>
/// <param name="Reason">Why it fits nowhere, when it does not.</param>
public sealed record GpuPlacementPlan(GpuRequest Request, string? Machine, int? GpuIndex, string? Variant, long VramMib, IReadOnlyList<string> Preempts, string? Reason)
{
    /// <summary>Gets a value indicating whether the request fits.</summary>
    public bool Fits => Machine is not null;
}

/// <summary>What a fencing token is worth now (<see cref="IGpuScheduler.ValidateAsync"/>).</summary>
public enum GpuLeaseValidity
{
    /// <summary>The lease is live: its holder may use the GPU.</summary>
    Valid,

    /// <summary>The lease is being preempted: usable until its grace deadline, then gone; the holder should unload and release.</summary>
    Revoking,

    /// <summary>The lease expired, was released or evicted: the holder must stop using the GPU and refuse writes made under this token.</summary>
    Stale,
}
