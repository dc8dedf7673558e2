namespace Fleet.Sdk.GpuScheduling;

/// <summary>Which machines are up; <see langword="null"/> means every machine counts as live.</summary>
internal interface IMachineLiveness
{
    Task<IReadOnlySet<string>?> LiveMachinesAsync(CancellationToken cancellationToken);
}
