namespace Fleet.Sdk.GpuScheduling;

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
