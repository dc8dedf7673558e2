using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Discovery;

/// <summary>Checks the discovery options at start-up, naming the key of every problem.</summary>
internal sealed class FleetDiscoveryOptionsValidator : IValidateOptions<FleetDiscoveryOptions>
{
    public ValidateOptionsResult Validate(string? name, FleetDiscoveryOptions options)
    {
        var problems = new List<string>();
        if (options.Ttl < TimeSpan.FromSeconds(1))
        {
            problems.Add($"Fleet:Discovery:Ttl is {options.Ttl}; it must be at least 1 second.");
        }

        if (options.EffectiveHeartbeat <= TimeSpan.Zero || options.EffectiveHeartbeat >= options.Ttl)
        {
            problems.Add($"Fleet:Discovery:HeartbeatInterval ({options.EffectiveHeartbeat}) must be positive and shorter than Fleet:Discovery:Ttl ({options.Ttl}); a third of it is the default.");
        }

        if (options.EffectiveRefresh <= TimeSpan.Zero)
        {
            problems.Add("Fleet:Discovery:RefreshInterval must be positive.");
        }

        if (options.ResolveTimeout <= TimeSpan.Zero)
        {
            problems.Add("Fleet:Discovery:ResolveTimeout must be positive, for example 00:00:00.250.");
        }

        if (options.MaxStaleness < TimeSpan.Zero)
        {
            problems.Add("Fleet:Discovery:MaxStaleness must not be negative.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
