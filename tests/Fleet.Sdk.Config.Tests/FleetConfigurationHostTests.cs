using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static Fleet.Sdk.Config.Tests.TestSupport;

namespace Fleet.Sdk.Config.Tests;

public sealed class FleetConfigurationHostTests
{
    private const string Topology = """
        version: 1
        machines:
          mainpc: { host: 127.0.0.1 }
          pc2: {}
        agents:
          Registry:
            machine: mainpc
            port: 7200
            health_port: 8200
            required: true
            settings: { a: topology, b: topology, c: topology, d: topology, e: topology }
          Other: { machine: pc2, port: 7300, dependencies: [{ agent: Registry, timeout_seconds: 3 }] }
        settings:
          Logging: { Level: Information }
        """;

    /// <summary>A host builder with a real environment layer (a unique prefix, so tests never meet) and a command line.</summary>
    private static HostApplicationBuilder Builder(TempDirectory temp, string environmentPrefix, params string[] args)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = temp.Path, DisableDefaults = true });
        builder.Configuration.AddEnvironmentVariables(environmentPrefix);
        builder.Configuration.AddCommandLine(args);
        return builder;
    }

    [Fact]
    public void AddFleetConfiguration_Layers_TopologyThenOverrideThenDotEnvThenEnvironmentThenCommandLine()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("config/fleet.yaml", Topology);
        temp.WriteFile("config/overrides/mainpc.yaml", "agents:\n  Registry: { settings: { b: override, c: override, d: override, e: override } }\nsettings: { Logging: { Level: Debug } }\n");
        temp.WriteFile("config/.env", "Fleet__Agent__Settings__c=dotenv\nFleet__Agent__Settings__d=dotenv\nFleet__Agent__Settings__e=dotenv\n");
        var prefix = $"FLEET_TEST_{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + "Fleet__Agent__Settings__d", "environment");
        Environment.SetEnvironmentVariable(prefix + "Fleet__Agent__Settings__e", "environment");
        try
        {
            var builder = Builder(temp, prefix, "--Fleet:Agent:Settings:e=commandline", "--Fleet:Agent:Name=Registry", "--Fleet:Machine:Name=mainpc");
            builder.AddFleetConfiguration(o => o.Environment = Env());

            var settings = builder.Configuration.GetSection("Fleet:Agent:Settings");
            Assert.Equal(["topology", "override", "dotenv", "environment", "commandline"], new[] { "a", "b", "c", "d", "e" }.Select(k => settings[k]));
            Assert.Equal("Debug", builder.Configuration["Fleet:Logging:Level"]);
            Assert.Equal("127.0.0.1", builder.Configuration["Fleet:Machine:Host"]);

            using var host = builder.Build();
            var agent = host.Services.GetRequiredService<IOptions<FleetAgentOptions>>().Value;
            Assert.Equal(("Registry", "mainpc", 7200, 8200, true), (agent.Name, agent.Machine, agent.Port!.Value, agent.HealthPort!.Value, agent.Required));
            Assert.Equal("mainpc", host.Services.GetRequiredService<IOptions<FleetMachineOptions>>().Value.Name);
            var topology = host.Services.GetRequiredService<IOptions<FleetTopologyOptions>>().Value.Topology;
            Assert.True(topology.TryGetAgent("Other", out var other));
            Assert.Equal(TimeSpan.FromSeconds(3), other.Dependencies[0].Timeout);
            Assert.Equal(topology.Agents.Select(a => a.Name).Order(), new[] { "Other", "Registry" });
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "Fleet__Agent__Settings__d", null);
            Environment.SetEnvironmentVariable(prefix + "Fleet__Agent__Settings__e", null);
        }
    }

    [Fact]
    public void AddFleetConfiguration_ConfigDirFromLegacyVariable_Found()
    {
        using var temp = new TempDirectory();
        var directory = temp.CreateDirectory("elsewhere");
        temp.WriteFile("elsewhere/fleet.yaml", Topology);
        var builder = Builder(temp, "FLEET_TEST_NONE_");

        builder.AddFleetConfiguration(o => o.Environment = Env(("CONFIG_DIR", directory)));

        Assert.Equal("7200", builder.Configuration["Fleet:Topology:Agents:Registry:Port"]);
    }

    [Fact]
    public async Task AddFleetConfiguration_InvalidTopology_StartThrowsWithEveryProblemNothingAdded()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("config/fleet.yaml", Topology.Replace("port: 7200", "port: ${PORT_OFFSET}+7200", StringComparison.Ordinal).Replace("[{ agent: Registry, timeout_seconds: 3 }]", "[Nope]", StringComparison.Ordinal));
        var builder = Builder(temp, "FLEET_TEST_NONE_");

        builder.AddFleetConfiguration(o => o.Environment = Env());
        using var host = builder.Build();
        var ex = await Assert.ThrowsAsync<FleetConfigurationException>(() => host.StartAsync());

        Assert.Equal(["FLEET001", "FLEET011"], ex.Diagnostics.Select(d => d.Id).Order());
        Assert.Contains("fleet.yaml:8:", ex.Message, StringComparison.Ordinal);
        Assert.Null(builder.Configuration["Fleet:Topology:Agents:Registry:HealthPort"]);
    }

    [Fact]
    public async Task AddFleetConfiguration_NoTopology_StartThrowsUnlessOptional()
    {
        using var temp = new TempDirectory();
        var required = Builder(temp, "FLEET_TEST_NONE_");
        required.AddFleetConfiguration(o => o.Environment = Env());
        var optional = Builder(temp, "FLEET_TEST_NONE_");
        optional.AddFleetConfiguration(o =>
        {
            o.Environment = Env();
            o.Optional = true;
        });
        using var failing = required.Build();
        using var running = optional.Build();

        var ex = await Assert.ThrowsAsync<FleetConfigurationException>(() => failing.StartAsync());
        await running.StartAsync();
        await running.StopAsync();

        Assert.Contains("no topology file", ex.Message, StringComparison.Ordinal);
        Assert.Contains("FLEET_CONFIG_DIR", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_CommandLineCreatesPortConflict_FailsNamingRuleAndSource()
    {
        var ex = await StartFailsAsync("--Fleet:Topology:Agents:Registry:HealthPort=7200");

        var failure = Assert.Single(ex.Failures);
        Assert.Contains("FLEET020", failure, StringComparison.Ordinal);
        Assert.Contains("configuration key Fleet:Topology:Agents:Registry:HealthPort", failure, StringComparison.Ordinal);
        Assert.Contains("fleet.yaml:8:", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_AgentNotInTopology_FailsNamingKey()
    {
        var ex = await StartFailsAsync("--Fleet:Agent:Name=Nobody");

        Assert.Contains("Fleet:Agent:Name is 'Nobody'", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_FileChanges_OptionsMonitorSeesNewValueAndBrokenEditKeepsLastGood()
    {
        using var temp = new TempDirectory();
        var path = temp.WriteFile("config/fleet.yaml", Topology);
        using var logs = new ListLoggerProvider();
        var builder = Builder(temp, "FLEET_TEST_NONE_", "--Fleet:Agent:Name=Registry");
        builder.Logging.AddProvider(logs);
        builder.AddFleetConfiguration(o =>
        {
            o.Environment = Env();
            o.ReloadOnChange = true;
        });
        using var host = builder.Build();
        await host.StartAsync();
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<FleetAgentOptions>>();
        var provider = ((IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>()).Providers.OfType<FleetTopologyConfigurationProvider>().Single();
        Assert.Equal(7200, monitor.CurrentValue.Port);

        File.WriteAllText(path, Topology.Replace("port: 7200", "port: 7250", StringComparison.Ordinal));
        await Eventually(() => monitor.CurrentValue.Port == 7250, "the new port after a change");

        File.WriteAllText(path, Topology.Replace("port: 7200", "port: ${UNDEFINED_IN_TEST}", StringComparison.Ordinal));
        await Eventually(() => provider.LastReloadError is not null, "the failed reload to be reported");

        Assert.Equal(7250, monitor.CurrentValue.Port);
        Assert.Contains("UNDEFINED_IN_TEST", provider.LastReloadError!.Message, StringComparison.Ordinal);
        await Eventually(() => logs.Entries.Any(e => e.EventId.Id == 1004), "event 1004 for the failed reload");
        Assert.Contains(logs.Entries, e => e.EventId.Id == 1001);
        await host.StopAsync();
    }

    [Fact]
    public async Task StartAsync_Warnings_LoggedWithRuleIds()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("config/fleet.yaml", Topology.Replace("machines:\n  mainpc: { host: 127.0.0.1 }", "machines:\n  mainpc: { host: 127.0.0.1 }\n  extra: { host: 0.0.0.0 }", StringComparison.Ordinal)
            .Replace("port: 7300,", "port: 7300, host: 0.0.0.0,", StringComparison.Ordinal));
        using var logs = new ListLoggerProvider();
        var builder = Builder(temp, "FLEET_TEST_NONE_");
        builder.Logging.AddProvider(logs);
        builder.AddFleetConfiguration(o => o.Environment = Env());
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        Assert.Contains(logs.Entries, e => e.EventId.Id == 1002 && e.Level == LogLevel.Warning && e.Message.Contains("FLEET030", StringComparison.Ordinal));
    }

    [Fact]
    public void AddFleetConfiguration_FromSection_BindsOptions()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("topology/custom.yaml", Topology);
        var builder = Builder(temp, "FLEET_TEST_NONE_", "--Setup:Directory=topology", "--Setup:Files:0=custom.yaml", "--Setup:Agent=Other", "--Setup:ReloadOnChange=false");

        builder.AddFleetConfiguration(builder.Configuration.GetSection("Setup"));

        Assert.Equal("7300", builder.Configuration["Fleet:Agent:Port"]);
        Assert.Equal("pc2", builder.Configuration["Fleet:Machine:Name"]);
    }

    private static async Task<OptionsValidationException> StartFailsAsync(params string[] args)
    {
        using var temp = new TempDirectory();
        temp.WriteFile("config/fleet.yaml", Topology);
        var builder = Builder(temp, "FLEET_TEST_NONE_", args);
        builder.AddFleetConfiguration(o => o.Environment = Env());
        using var host = builder.Build();
        return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    private static async Task Eventually(Func<bool> condition, string what) =>
        Assert.True(await Poll.UntilAsync(condition, TimeSpan.FromSeconds(20)), $"timed out waiting for {what}");
}
