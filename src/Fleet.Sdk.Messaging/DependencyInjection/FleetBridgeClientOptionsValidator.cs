using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Messaging;

/// <summary>Validates <see cref="FleetBridgeClientOptions"/> at start-up, every problem at once.</summary>
internal sealed class FleetBridgeClientOptionsValidator : IValidateOptions<FleetBridgeClientOptions>
{
    public ValidateOptionsResult Validate(string? name, FleetBridgeClientOptions options) => BridgeProblems.ToResult(options.Validate());
}
