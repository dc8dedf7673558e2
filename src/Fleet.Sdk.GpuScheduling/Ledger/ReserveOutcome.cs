namespace Fleet.Sdk.GpuScheduling;

internal readonly record struct ReserveOutcome(bool Granted, long Token, long ExpiresAtMs, long ReservedMib);
