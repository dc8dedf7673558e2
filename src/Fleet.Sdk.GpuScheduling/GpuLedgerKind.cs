namespace Fleet.Sdk.GpuScheduling;

/// <summary>Where leases are kept.</summary>
public enum GpuLedgerKind
{
    /// <summary>Redis when <c>Fleet:Discovery:Redis:ConnectionString</c> is set, otherwise in-process.</summary>
    Auto,

    /// <summary>In this process only: one machine, no infrastructure (the embedded default).</summary>
    InProcess,

    /// <summary>The fleet's Redis, shared by every machine (atomic Lua scripts).</summary>
    Redis,
}
