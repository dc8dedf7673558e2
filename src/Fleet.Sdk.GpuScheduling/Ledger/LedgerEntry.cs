namespace Fleet.Sdk.GpuScheduling;

/// <summary>One reservation as the ledger stores it; <see cref="Token"/> and <see cref="ExpiresAtMs"/> are the ledger's.</summary>
internal sealed record LedgerEntry(string LeaseId, string Workload, string Variant, string Holder, long VramMib, int Priority)
{
    public EntryState State { get; init; } = EntryState.Active;

    public long Token { get; init; }

    public long ExpiresAtMs { get; init; }
}
