namespace Fleet.Sdk.GpuScheduling;

/// <summary>A GPU's unexpired entries, last fencing token and last reported usage, as of <see cref="NowMs"/> (ledger clock).</summary>
internal sealed record GpuLedgerView(GpuId Gpu, IReadOnlyList<LedgerEntry> Entries, long Fence, long? UsedMib, long NowMs)
{
    public long ReservedMib => Entries.Sum(e => e.VramMib);

    public long GrantedMib => Entries.Where(e => e.State != EntryState.Pending).Sum(e => e.VramMib);
}
