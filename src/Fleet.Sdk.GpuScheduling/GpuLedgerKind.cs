namespace Fleet.Sdk.GpuScheduling;

/// <summary>Where leases are kept.</summary>
public enum GpuLedgerKind
{
    /// <summary>The coordination engine's ledger (<c>Fleet:Coordination</c>) when it has servers, otherwise in-process.</summary>
    Auto,

    /// <summary>In this process only: one machine, no infrastructure (the embedded default).</summary>
    InProcess,

    /// <summary>The fleet's Redis, shared by every machine (atomic Lua scripts).</summary>
    Redis,
}
