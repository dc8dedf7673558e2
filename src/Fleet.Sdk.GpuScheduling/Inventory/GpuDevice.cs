namespace Fleet.Sdk.GpuScheduling;

/// <summary>A GPU the scheduler may place on: its identity, capacity and the margin never leased.</summary>
internal sealed record GpuDevice(GpuId Id, string Name, long CapacityMib, long SafetyMarginMib)
{
    public long LeasableMib => Math.Max(0, CapacityMib - SafetyMarginMib);
}
