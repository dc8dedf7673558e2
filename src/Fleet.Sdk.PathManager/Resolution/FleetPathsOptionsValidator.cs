using Microsoft.Extensions.Options;

namespace Fleet.Sdk.PathManager;

/// <summary>Validates the whole resolution (values, conflicts, write access) at start-up.</summary>
internal sealed class FleetPathsOptionsValidator(FleetPathsProvider provider) : IValidateOptions<FleetPathsOptions>
{
    public ValidateOptionsResult Validate(string? name, FleetPathsOptions options)
    {
        if (name is not null && name != Options.DefaultName)
        {
            return ValidateOptionsResult.Skip;
        }

        var outcome = provider.Resolve(options);
        return outcome.Problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(outcome.Problems);
    }
}
