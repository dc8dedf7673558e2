using Fleet.Sdk.Discovery;

namespace Fleet.Sdk.GpuScheduling;

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
