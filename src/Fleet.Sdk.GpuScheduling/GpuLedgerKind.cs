namespace Fleet.Sdk.GpuScheduling;

/// <summary>Where leases are kept.</summary>
public enum GpuLedgerKind
{
    /// <summary>The coordination engine's ledger (<c>Fleet:Coordination:Engine</c>): Redis, NATS, or in-process when it has no servers.</summary>
    Auto,

    /// <summary>In this process only: one machine, no infrastructure (the embedded default).</summary>
    InProcess,

    /// <summary>The fleet's Redis, shared by every machine (atomic Lua scripts).</summary>
    Redis,

    /// <summary>The fleet's NATS JetStream key-value bucket, shared by every machine (compare-and-set on each GPU's revision).</summary>
    Nats,
}
