using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static Fleet.Sdk.Config.Tests.TestSupport;

namespace Fleet.Sdk.Config.Tests;

/// <summary>
/// Issue 15 item 7: what <c>fleet config validate</c> accepts (the loader) and what an agent accepts
/// (the host's configuration) are decided by the same rules, and refused with the same located message.
/// </summary>
public sealed class SharedRulesTests
{
    private const string Machines = "version: 1\nmachines:\n  m1: {}\n";

    /// <summary>What an agent does with the file: the host's configuration, started.</summary>
    private static async Task<Exception> AgentStartFails(TempDirectory temp)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = temp.Path, DisableDefaults = true });
        builder.AddFleetConfiguration(o =>
        {
            o.Directory = temp.Path;
            o.Agent = "A";
            o.Environment = Env();
            o.ReloadOnChange = false;
        });
        using var host = builder.Build();
        return await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
    }

    private static FleetConfigurationException ValidateFails(TempDirectory temp) =>
        Assert.Throws<FleetConfigurationException>(() => Load(temp.Combine("fleet.yaml")));

    /// <summary>The repros of issue 15 item 7: validate passed them, the agent refused or read them otherwise.</summary>
    [Theory]
    [InlineData("settings:\n  Agent: { Port: 1 }\nagents:\n  A: { machine: m1, port: 7000 }\n", 5, "'settings.Agent' would hide Fleet:Agent")]
    [InlineData("agents:\n  A:\n    machine: m1\n    port: 7000\n    Port: 7005\n", 8, "duplicate key 'Port' in 'agents.A' (first at line 7 as 'port')")]
    [InlineData("agents:\n  \"A:B\": { machine: m1, port: 7000 }\n  A: { machine: m1, port: 7001 }\n", 5, "agent name 'A:B' contains ':'")]
    public async Task Load_ValidatePassedAgentRefused_ValidateAndAgentRefuseAlike(string body, int line, string expected)
    {
        using var temp = new TempDirectory();
        var path = temp.WriteFile("fleet.yaml", Machines + body);

        var validate = ValidateFails(temp);
        var agent = await AgentStartFails(temp);

        var error = Assert.Single(validate.Errors);
        Assert.Equal((path, line), (error.Location.Source, error.Location.Line));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.IsType<FleetConfigurationException>(agent);
        Assert.Contains(error.ToString(), agent.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SettingKeyWithColon_Refused()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("fleet.yaml", Machines + "settings:\n  \"Logging:Level\": Debug\nagents:\n  A: { machine: m1 }\n");

        var error = Assert.Single(ValidateFails(temp).Errors);

        Assert.Contains("the key 'Logging:Level' under 'settings' contains ':'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SettingsKeysDifferingOnlyInUnderscore_BothKept()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("fleet.yaml", Machines + "settings:\n  Feature: { max_items: 1, maxitems: 2 }\nagents:\n  A: { machine: m1 }\n");

        var result = Load(temp.Combine("fleet.yaml"));

        Assert.Equal(2, ((FleetMapping)TreeHelpers.Get(result.Topology.Settings, "Feature")!).Count);
    }

    [Fact]
    public async Task AddFleetConfiguration_NoTopology_FailsAtStartNotWhileBuilding()
    {
        using var temp = new TempDirectory();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = temp.Path, DisableDefaults = true });

        builder.AddFleetConfiguration(o =>
        {
            o.Directory = temp.Path;
            o.Environment = Env();
        });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<FleetConfigurationException>(() => host.StartAsync());
        Assert.Contains("no topology file", error.Message, StringComparison.Ordinal);
        Assert.Throws<FleetConfigurationException>(() => host.Services.GetRequiredService<IOptions<FleetTopologyOptions>>().Value);
    }
}
