namespace Fleet.Sdk.GpuScheduling;

/// <summary>
/// One GPU's ledger: its entries and its fencing counter, and the one statement of the rules that change
/// them. Pure: every call takes the ledger clock's reading (<c>nowMs</c>) and first drops the entries that
/// expired by then. The in-process ledger keeps one per GPU under its lock; the NATS ledger reads one from
/// the GPU's key, applies a call and writes it back by compare-and-set. (The Redis ledger states the same
/// rules in Lua, because they must run atomically on the server.)
/// </summary>
internal sealed class GpuLedgerRecord
{
    /// <summary>Gets the entries by lease id (live, revoking and pending).</summary>
    public Dictionary<string, LedgerEntry> Entries { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets the last fencing token granted on this GPU; it only grows.</summary>
    public long Fence { get; set; }

    /// <summary>
    /// Grants <paramref name="entry"/> when the unexpired entries (except <paramref name="pendingId"/>, which the
    /// grant replaces) plus the request fit <paramref name="leasableMib"/> and the lease id is new. The record
    /// changed exactly when the outcome is granted.
    /// </summary>
    public ReserveOutcome Reserve(long nowMs, long leasableMib, LedgerEntry entry, TimeSpan ttl, string? pendingId)
    {
        DropExpired(nowMs);
        var reserved = Entries.Values.Where(e => e.LeaseId != pendingId).Sum(e => e.VramMib);
        if (Entries.ContainsKey(entry.LeaseId) || reserved + entry.VramMib > leasableMib)
        {
            return new ReserveOutcome(false, 0, 0, reserved);
        }

        if (pendingId is not null)
        {
            Entries.Remove(pendingId);
        }

        Fence++;
        var granted = entry with { State = EntryState.Active, Token = Fence, ExpiresAtMs = nowMs + Ms(ttl) };
        Entries[entry.LeaseId] = granted;
        return new ReserveOutcome(true, granted.Token, granted.ExpiresAtMs, reserved + entry.VramMib);
    }

    /// <summary>Extends a live lease held under <paramref name="token"/>; the record changed exactly when the status is renewed.</summary>
    public RenewOutcome Renew(long nowMs, string leaseId, long token, TimeSpan ttl)
    {
        DropExpired(nowMs);
        if (!Entries.TryGetValue(leaseId, out var entry) || entry.Token != token || entry.State == EntryState.Pending)
        {
            return new RenewOutcome(RenewStatus.Lost, 0, nowMs);
        }

        if (entry.State == EntryState.Revoking)
        {
            return new RenewOutcome(RenewStatus.Revoking, entry.ExpiresAtMs, nowMs);
        }

        var renewed = entry with { ExpiresAtMs = nowMs + Ms(ttl) };
        Entries[leaseId] = renewed;
        return new RenewOutcome(RenewStatus.Renewed, renewed.ExpiresAtMs, nowMs);
    }

    /// <summary>Removes the lease held under <paramref name="token"/>; true (the record changed) when it was there.</summary>
    public bool Release(long nowMs, string leaseId, long token)
    {
        DropExpired(nowMs);
        return Entries.TryGetValue(leaseId, out var entry) && entry.Token == token && Entries.Remove(leaseId);
    }

    /// <summary>Marks the victims (live, strictly lower priority) revoking until now + grace and records the pending entry; the record always changes.</summary>
    public int Preempt(long nowMs, IReadOnlyList<string> victims, TimeSpan grace, LedgerEntry pending, TimeSpan pendingTtl)
    {
        DropExpired(nowMs);
        var marked = 0;
        foreach (var id in victims)
        {
            if (Entries.TryGetValue(id, out var victim) && victim.State == EntryState.Active && victim.Priority < pending.Priority)
            {
                Entries[id] = victim with { State = EntryState.Revoking, ExpiresAtMs = Math.Min(victim.ExpiresAtMs, nowMs + Ms(grace)) };
                marked++;
            }
        }

        Entries[pending.LeaseId] = pending with { State = EntryState.Pending, Token = 0, ExpiresAtMs = nowMs + Ms(pendingTtl) };
        return marked;
    }

    /// <summary>The lease's state when it is held under <paramref name="token"/>, and the GPU's current fence.</summary>
    public LeaseCheck Validate(long nowMs, string leaseId, long token)
    {
        DropExpired(nowMs);
        return Entries.TryGetValue(leaseId, out var entry) && entry.Token == token
            ? new LeaseCheck(entry.State, Fence, entry.ExpiresAtMs)
            : new LeaseCheck(null, Fence, 0);
    }

    /// <summary>The unexpired entries as a view, with the usage reported for the GPU (if still fresh).</summary>
    public GpuLedgerView View(long nowMs, GpuId gpu, long? usedMib)
    {
        DropExpired(nowMs);
        return new GpuLedgerView(gpu, Entries.Values.ToList(), Fence, usedMib, nowMs);
    }

    /// <summary>A duration in whole milliseconds, at least 1 (a zero TTL would grant an already expired lease).</summary>
    public static long Ms(TimeSpan span) => Math.Max(1, (long)span.TotalMilliseconds);

    private void DropExpired(long nowMs)
    {
        foreach (var expired in Entries.Values.Where(e => e.ExpiresAtMs <= nowMs).Select(e => e.LeaseId).ToList())
        {
            Entries.Remove(expired);
        }
    }
}
