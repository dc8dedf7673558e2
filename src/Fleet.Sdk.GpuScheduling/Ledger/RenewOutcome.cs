namespace Fleet.Sdk.GpuScheduling;

/// <summary>A renewal's outcome: the (new) expiry, and the ledger's clock when it answered.</summary>
internal readonly record struct RenewOutcome(RenewStatus Status, long ExpiresAtMs, long NowMs);
