using Microsoft.Extensions.Options;

namespace Fleet.Sdk.GpuScheduling;

/// <summary>Checks the GPU scheduling options at start-up, naming the key of every problem.</summary>
internal sealed class GpuSchedulingOptionsValidator : IValidateOptions<GpuSchedulingOptions>
{
    public ValidateOptionsResult Validate(string? name, GpuSchedulingOptions options)
    {
        var problems = new List<string>();
        if (options.LeaseTtl < TimeSpan.FromMilliseconds(100))
        {
            problems.Add($"Fleet:Gpu:LeaseTtl is {options.LeaseTtl}; it must be at least 100 ms (the default is 00:00:15).");
        }

        if (options.EffectiveRenewInterval <= TimeSpan.Zero || options.EffectiveRenewInterval >= options.LeaseTtl)
        {
            problems.Add($"Fleet:Gpu:RenewInterval ({options.EffectiveRenewInterval}) must be positive and shorter than Fleet:Gpu:LeaseTtl ({options.LeaseTtl}); a third of it is the default.");
        }

        if (options.PreemptionGrace <= options.EffectiveRenewInterval)
        {
            problems.Add($"Fleet:Gpu:PreemptionGrace ({options.PreemptionGrace}) must be longer than the renew interval ({options.EffectiveRenewInterval}), or an evicted holder may not hear of it before its deadline.");
        }

        if (options.SafetyMarginMib < 0 || options.SafetyMargins.Any(m => m.Value < 0))
        {
            problems.Add("Fleet:Gpu:SafetyMarginMib and Fleet:Gpu:SafetyMargins:* must not be negative.");
        }

        if (options.RetryInterval <= TimeSpan.Zero || options.UsageInterval <= TimeSpan.Zero)
        {
            problems.Add("Fleet:Gpu:RetryInterval and Fleet:Gpu:UsageInterval must be positive.");
        }

        if (string.IsNullOrWhiteSpace(options.LivenessService))
        {
            problems.Add("Fleet:Gpu:LivenessService must name a discovery service (the default is FleetGpu).");
        }

        for (var i = 0; i < options.Devices.Count; i++)
        {
            var device = options.Devices[i];
            if (string.IsNullOrWhiteSpace(device.Machine) || device.VramMib <= 0)
            {
                problems.Add($"Fleet:Gpu:Devices:{i} needs a Machine and a positive VramMib (for example Machine=pc2, Name=RTX 3060, VramMib=12288).");
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
