using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Messaging;

/// <summary>Validates <see cref="FleetBridgeOptions"/> at start-up, every problem at once.</summary>
internal sealed class FleetBridgeOptionsValidator : IValidateOptions<FleetBridgeOptions>
{
    public ValidateOptionsResult Validate(string? name, FleetBridgeOptions options) => BridgeProblems.ToResult(options.Validate());
}
