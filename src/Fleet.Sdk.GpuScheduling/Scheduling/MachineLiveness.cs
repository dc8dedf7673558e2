using Fleet.Sdk.Discovery;

namespace Fleet.Sdk.GpuScheduling;

/// <summary>Which machines are up; <see langword="null"/> means every machine counts as live.</summary>
internal interface IMachineLiveness
{
    Task<IReadOnlySet<string>?> LiveMachinesAsync(CancellationToken cancellationToken);
}

/// <summary>Every machine counts as live (<c>Fleet:Gpu:RequireLiveMachine=false</c>).</summary>
internal sealed class EveryMachineLive : IMachineLiveness
{
    public Task<IReadOnlySet<string>?> LiveMachinesAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlySet<string>?>(null);
}

/// <summary>
/// Machines with a live instance of the liveness service (<c>FleetGpu</c>, registered by each
/// machine's scheduler) in discovery, through the caching resolver: a machine whose registration
/// expired (stopped heart-beating) is not placed on. No instance resolvable means no live machine.
/// </summary>
internal sealed class DiscoveryMachineLiveness(IServiceResolver resolver, string service) : IMachineLiveness
{
    public async Task<IReadOnlySet<string>?> LiveMachinesAsync(CancellationToken cancellationToken)
    {
        try
        {
            var resolution = await resolver.ResolveAsync(service, cancellationToken).ConfigureAwait(false);
            return resolution.Instances.Select(i => i.Machine).ToHashSet(StringComparer.OrdinalIgnoreCase);
        }
        catch (ServiceNotFoundException)
        {
            return new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        }
    }
}
