namespace Fleet.Sdk.GpuScheduling;

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
