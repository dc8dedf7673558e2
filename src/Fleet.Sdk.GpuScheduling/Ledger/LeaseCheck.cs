namespace Fleet.Sdk.GpuScheduling;

internal readonly record struct LeaseCheck(EntryState? State, long CurrentFence, long ExpiresAtMs);
