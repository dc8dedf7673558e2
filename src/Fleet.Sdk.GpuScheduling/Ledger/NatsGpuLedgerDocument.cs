namespace Fleet.Sdk.GpuScheduling;

/// <summary>One GPU's key in the NATS ledger bucket: which GPU, its fencing counter and its entries (JSON).</summary>
internal sealed class NatsGpuLedgerDocument
{
    public string Machine { get; set; } = string.Empty;

    public int Index { get; set; }

    public long Fence { get; set; }

    public List<LedgerEntry> Entries { get; set; } = [];
}
