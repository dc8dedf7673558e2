namespace Fleet.Sdk.GpuScheduling;

internal enum EntryState
{
    Active,
    Revoking,
    Pending,
}
