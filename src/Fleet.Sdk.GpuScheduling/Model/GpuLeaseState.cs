namespace Fleet.Sdk.GpuScheduling;

/// <summary>The states of a lease.</summary>
public enum GpuLeaseState
{
    /// <summary>Live and renewed by its holder.</summary>
    Active,

    /// <summary>Preempted: the holder has until its grace deadline to unload; it is not renewed.</summary>
    Revoking,

    /// <summary>Reserved for a preempting request while the evicted leases drain; not usable yet.</summary>
    Pending,

    /// <summary>Expired, evicted or refused: the holder must stop using the GPU.</summary>
    Lost,

    /// <summary>Released by its holder.</summary>
    Released,
}
