namespace Fleet.Sdk.GpuScheduling;

internal enum RenewStatus
{
    Renewed,
    Revoking,
    Lost,
}
