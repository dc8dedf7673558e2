using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Config;

/// <summary>Rebuilds <see cref="FleetTopologyOptions.Topology"/> from the <c>Fleet:Topology</c> section, after every layer.</summary>
internal sealed class FleetTopologyOptionsSetup(IConfiguration configuration, IEnumerable<FleetConfigurationStartupError> startupErrors) : IConfigureOptions<FleetTopologyOptions>
{
    public void Configure(FleetTopologyOptions options)
    {
        // A configuration that could not be loaded fails the host's start with the loader's own error
        // (every problem, each with file:line), not the shorter list of what is missing because of it.
        var failed = startupErrors.Select(e => e.Error)
            .Concat((configuration as IConfigurationRoot)?.Providers.OfType<FleetTopologyConfigurationProvider>().Select(p => p.LoadError) ?? [])
            .FirstOrDefault(e => e is not null);
        if (failed is not null)
        {
            throw failed;
        }

        var (topology, errors, diagnostics) = FleetTopologyLoader.BuildFromConfiguration(configuration);
        options.Topology = topology;
        options.BuildErrors.Clear();
        options.BuildErrors.AddRange(errors);
        options.Diagnostics.Clear();
        foreach (var diagnostic in diagnostics)
        {
            options.Diagnostics.Add(diagnostic);
        }
    }
}

/// <summary>Why <c>AddFleetConfiguration</c> could not add the topology (no file, conflicting variables): reported when the host starts.</summary>
internal sealed record FleetConfigurationStartupError(FleetConfigurationException Error);

/// <summary>Fails start-up (and a reload's options) when the layered topology has errors, listing every one.</summary>
internal sealed class FleetTopologyOptionsValidator : IValidateOptions<FleetTopologyOptions>
{
    public ValidateOptionsResult Validate(string? name, FleetTopologyOptions options)
    {
        var failures = options.BuildErrors.Select(e => e.ToString())
            .Concat(options.Diagnostics.Where(d => d.Severity == FleetDiagnosticSeverity.Error).Select(d => d.ToString()))
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Checks the agent's options after every layer: its ports, and that the topology defines it.</summary>
internal sealed class FleetAgentOptionsValidator : IValidateOptions<FleetAgentOptions>
{
    public ValidateOptionsResult Validate(string? name, FleetAgentOptions options)
    {
        var failures = new List<string>();
        if (options.Name is not null && options.Machine is null)
        {
            failures.Add($"Fleet:Agent:Name is '{options.Name}', but the topology defines no such agent: fix the name (FLEET__AGENT__NAME), or add the agent to the topology file.");
        }

        foreach (var (key, port) in new[] { ("Fleet:Agent:Port", options.Port), ("Fleet:Agent:HealthPort", options.HealthPort) })
        {
            if (port is < 1 or > 65535)
            {
                failures.Add($"{key} is {port}: use a port between 1024 and 65535.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
