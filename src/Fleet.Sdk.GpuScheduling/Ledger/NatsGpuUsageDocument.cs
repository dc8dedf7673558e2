namespace Fleet.Sdk.GpuScheduling;

/// <summary>A GPU's last reported VRAM use in the NATS ledger bucket, and when (ledger clock) the report goes stale.</summary>
internal sealed class NatsGpuUsageDocument
{
    public long UsedMib { get; set; }

    public long ExpiresAtMs { get; set; }
}
