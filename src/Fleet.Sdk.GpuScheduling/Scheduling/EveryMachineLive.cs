namespace Fleet.Sdk.GpuScheduling;

/// <summary>Every machine counts as live (<c>Fleet:Gpu:RequireLiveMachine=false</c>).</summary>
internal sealed class EveryMachineLive : IMachineLiveness
{
    public Task<IReadOnlySet<string>?> LiveMachinesAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlySet<string>?>(null);
}
