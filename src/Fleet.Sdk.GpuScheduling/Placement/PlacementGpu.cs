namespace Fleet.Sdk.GpuScheduling;

/// <summary>A GPU as placement sees it: the device, whether its machine is live, and its ledger entries.</summary>
internal sealed record PlacementGpu(GpuDevice Device, bool Live, IReadOnlyList<LedgerEntry> Entries)
{
    public long ReservedMib => Entries.Sum(e => e.VramMib);

    public long FreeMib => Math.Max(0, Device.LeasableMib - ReservedMib);
}
