using Fleet.Sdk.Coordination;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fleet.Cli.Coordination;

/// <summary>Reads <c>Fleet:Coordination</c> the way the SDK does (the same binding, legacy keys and validation), for commands that must know the engine before they build their services.</summary>
internal static class CoordinationSettings
{
    /// <summary>The effective options; bad settings become a <see cref="CliException"/> naming the key, never a stack trace.</summary>
    public static FleetCoordinationOptions Read(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddFleetCoordination();
        using var provider = services.BuildServiceProvider();
        return Resolve(() => provider.GetRequiredService<IOptions<FleetCoordinationOptions>>().Value);
    }

    /// <summary>Runs <paramref name="resolve"/> (reading options or building an engine-backed service), turning what the settings got wrong into a <see cref="CliException"/>.</summary>
    public static T Resolve<T>(Func<T> resolve)
    {
        try
        {
            return resolve();
        }
        catch (OptionsValidationException ex)
        {
            throw new CliException("the coordination settings are invalid: " + string.Join(" ", ex.Failures), ex);
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("Fleet:", StringComparison.Ordinal))
        {
            // A value the binder cannot convert, or a combination a package refuses: its message names the key.
            throw new CliException("the coordination settings are invalid: " + ex.Message, ex);
        }
    }
}
