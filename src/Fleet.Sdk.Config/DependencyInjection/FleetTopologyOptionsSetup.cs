using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Config;

/// <summary>Rebuilds <see cref="FleetTopologyOptions.Topology"/> from the <c>Fleet:Topology</c> section, after every layer.</summary>
internal sealed class FleetTopologyOptionsSetup(IConfiguration configuration) : IConfigureOptions<FleetTopologyOptions>
{
    public void Configure(FleetTopologyOptions options)
    {
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
