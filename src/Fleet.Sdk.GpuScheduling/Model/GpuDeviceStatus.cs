namespace Fleet.Sdk.GpuScheduling;

/// <summary>One GPU as the ledger and the inventory see it (<see cref="IGpuScheduler.GetStatusAsync"/>).</summary>
/// <param name="Machine">The machine.</param>
/// <param name="GpuIndex">The GPU's index on the machine.</param>
/// <param name="GpuName">The GPU's model.</param>
/// <param name="CapacityMib">Its VRAM, in MiB.</param>
/// <param name="SafetyMarginMib">VRAM never leased, in MiB.</param>
/// <param name="ReservedMib">VRAM held by leases (live, being revoked or waiting for a preemption), in MiB.</param>
/// <param name="UsedMib">VRAM in use as nvidia-smi last reported it, or <see langword="null"/> when nothing reports.</param>
/// <param name="MachineLive">Whether the machine is live in discovery.</param>
/// <param name="FencingToken">The last fencing token issued for the GPU.</param>
/// <param name="Leases">The leases.</param>
public sealed record GpuDeviceStatus(
    string Machine,
    int GpuIndex,
    string GpuName,
    long CapacityMib,
    long SafetyMarginMib,
    long ReservedMib,
    long? UsedMib,
    bool MachineLive,
    long FencingToken,
    IReadOnlyList<GpuLeaseInfo> Leases)
{
    /// <summary>Gets the VRAM free for new leases, in MiB.</summary>
    public long FreeMib => Math.Max(0, CapacityMib - SafetyMarginMib - ReservedMib);

    /// <summary>Gets a value indicating whether more VRAM is in use than is reserved (a workload uses more than it leased, or something runs without a lease).</summary>
    public bool UnderMemoryPressure => UsedMib is { } used && used > ReservedMib;
}
