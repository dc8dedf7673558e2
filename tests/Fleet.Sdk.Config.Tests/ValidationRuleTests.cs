using static Fleet.Sdk.Config.Tests.TestSupport;

namespace Fleet.Sdk.Config.Tests;

/// <summary>One test per rule id, each on the smallest topology that breaks it.</summary>
public sealed class ValidationRuleTests
{
    [Fact]
    public void FLEET001_UndefinedVariable_OneDiagnosticListingEveryOccurrence()
    {
        using var temp = new TempDirectory();
        var result = Load(temp, Header + """
              A: { machine: mainpc, port: "${PORT_OFFSET}+7200", health_port: "${PORT_OFFSET}+8200" }
              B: { machine: mainpc, port: "${PORT_OFFSET}+7201" }
            """);

        var diagnostic = Single(result, FleetRules.UndefinedVariable);
        Assert.Equal(FleetDiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains("variable PORT_OFFSET is not defined; it is used 3 times by A, B", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal([(6, 32), (6, 68), (7, 32)], diagnostic.Related.Select(r => (r.Location.Line, r.Location.Column)));
        Assert.Null(result.Topology.Agents[0].Port);
    }

    [Fact]
    public void FLEET002_Syntax_LocatedAtExpression()
    {
        using var temp = new TempDirectory();
        var result = Load(temp, Header + "  A: { machine: mainpc, host: \"${MAINPC_IP\" }\n");

        var diagnostic = Single(result, FleetRules.InterpolationSyntax);
        Assert.Equal(6, diagnostic.Location.Line);
        Assert.Contains("never closed", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FLEET003_RequiredVariable_CarriesMessage()
    {
        using var temp = new TempDirectory();
        var result = Load(temp, Header + "  A: { machine: mainpc, settings: { url: \"${REDIS_URL:?set REDIS_URL}\" } }\n");

        Assert.Contains("REDIS_URL is not set: set REDIS_URL", Single(result, FleetRules.RequiredVariable).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FLEET004_InterpolatedPortNotNumber_DiagnosticNotLoadError()
    {
        using var temp = new TempDirectory();
        var result = Load(temp, Header + "  A: { machine: mainpc, port: \"${P}\" }\n", ("P", "http"));

        Assert.Contains("'agents.A.port' is 'http' once interpolated from '${P}'", Single(result, FleetRules.InvalidValue).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FLEET005_AliasConflict_NamesBothNames()
    {
        using var temp = new TempDirectory();
        var result = Load(temp, Header + "  A: { machine: mainpc, host: \"${MAINPC_IP}\" }\n", ("MAINPC_IP", "10.0.0.1"), ("MAIN_PC_IP", "10.0.0.2"));

        Assert.Contains("MAINPC_IP and MAIN_PC_IP", Single(result, FleetRules.AliasConflict).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FLEET005_AliasConflictReadByTheTopology_NoDriftWarningBesideTheError()
    {
        using var temp = new TempDirectory();
        var result = Load(temp, Header + "  A: { machine: mainpc, host: \"${MAINPC_IP}\" }\n", ("MAINPC_IP", "10.0.0.1"), ("MAIN_PC_IP", "10.0.0.2"));

        Assert.DoesNotContain(result.Diagnostics, d => d.Rule == FleetRules.AliasDrift);
    }

    [Fact]
    public void FLEET007_AliasesDifferButTheTopologyNeverReadsThem_WarningNamesBothValuesAndTheWinner()
    {
        using var temp = new TempDirectory();
        var result = Load(temp, Header + "  A: { machine: mainpc }\n", ("MAINPC_IP", "10.0.0.9"), ("MAIN_PC_IP", "10.0.0.1"));

        var diagnostic = Single(result, FleetRules.AliasDrift);
        Assert.Equal(FleetDiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Contains("MAINPC_IP=10.0.0.9 and MAIN_PC_IP=10.0.0.1 are set to different values", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("Fleet.Sdk reads MAINPC_IP (the canonical name)", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("unset MAIN_PC_IP", diagnostic.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void FLEET007_AliasesAgree_NoWarning()
    {
        using var temp = new TempDirectory();
        var result = Load(temp, Header + "  A: { machine: mainpc }\n", ("MAINPC_IP", "10.0.0.9"), ("MAIN_PC_IP", "10.0.0.9"));

        Assert.DoesNotContain(result.Diagnostics, d => d.Rule == FleetRules.AliasDrift);
    }

    [Fact]
    public void FLEET006_LegacyAliasInFile_Warning()
    {
        using var temp = new TempDirectory();
        var result = Load(temp, Header + "  A: { machine: mainpc, settings: { peer: \"${MAIN_PC_IP}\" } }\n", ("MAIN_PC_IP", "127.0.0.1"));

        Assert.Equal(FleetDiagnosticSeverity.Warning, Single(result, FleetRules.LegacyAlias).Severity);
        Assert.Equal("127.0.0.1", ((FleetScalar)result.Topology.Agents[0].Settings["peer"]!).Value);
    }

    [Fact]
    public void FLEET010_DuplicateInUnifiedFile_FirstKeptBothLocated()
    {
        using var temp = new TempDirectory();
        var result = Load(temp, Header + "  A: { machine: mainpc, port: 7000 }\n  A: { machine: pc2, port: 7001 }\n");

        var diagnostic = Single(result, FleetRules.DuplicateAgent);
        Assert.Equal([7000, 7001], diagnostic.Ports);
        Assert.Contains("machine mainpc vs pc2", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(7000, Assert.Single(result.Topology.Agents).Port);
    }

    [Fact]
    public void FLEET011_UnknownDependency_SuggestsClosestName()
    {
        using var temp = new TempDirectory();
        var result = Load(temp, Header + "  Registry: { machine: mainpc }\n  A: { machine: mainpc, dependencies: [Registy] }\n");

        Assert.Contains("did you mean Registry?", Single(result, FleetRules.UnknownDependency).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FLEET012_Cycle_PrintsWholeCycle()
    {
        using var temp = new TempDirectory();
        var result = Load(temp, Header + """
              A: { machine: mainpc, dependencies: [B] }
              B: { machine: mainpc, dependencies: [C] }
              C: { machine: mainpc, dependencies: [A] }
              D: { machine: mainpc, dependencies: [D] }
              E: { machine: mainpc, dependencies: [A] }
            """);

        var cycles = result.Diagnostics.Where(d => d.Rule == FleetRules.DependencyCycle).Select(d => d.Message).ToList();
        Assert.Equal(["dependency cycle: A -> B -> C -> A", "dependency cycle: D -> D"], cycles.Order());
    }

    [Fact]
    public void FLEET012_LongChain_NoStackOverflowNoCycle()
    {
        using var temp = new TempDirectory();
        var agents = string.Concat(Enumerable.Range(0, 5000).Select(i => $"  A{i}: {{ machine: mainpc{(i > 0 ? $", dependencies: [A{i - 1}]" : string.Empty)} }}\n"));

        var result = Load(temp, Header + agents);

        Assert.DoesNotContain(result.Diagnostics, d => d.Rule == FleetRules.DependencyCycle);
    }

    [Fact]
    public void FLEET013_DependencyOnDeprecated_NamesReplacement()
    {
        using var temp = new TempDirectory();
        var result = Load(temp, Header + "  A: { machine: mainpc, dependencies: [RequestCoordinator] }\ndeprecated:\n  RequestCoordinator: { replaced_by: ModelOrchestrator }\n");

        var diagnostic = Single(result, FleetRules.DeprecatedDependency);
        Assert.Contains("replaced by ModelOrchestrator", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("depend on ModelOrchestrator instead", diagnostic.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void FLEET014_RequiredOnOptional_Warning()
    {
        using var temp = new TempDirectory();
        var result = Load(temp, Header + "  Opt: { machine: mainpc }\n  Req: { machine: mainpc, required: true, dependencies: [Opt] }\n");

        Assert.Equal(["Req", "Opt"], Single(result, FleetRules.RequiredOnOptional).Agents);
    }

    [Fact]
    public void FLEET015_UnknownMachine_ListsKnown()
    {
        using var temp = new TempDirectory();
        var result = Load(temp, Header + "  A: { machine: pc3 }\n");

        Assert.Contains("use one of mainpc, pc2", Single(result, FleetRules.UnknownMachine).Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void FLEET016_DeprecatedStillDefined_Warning()
    {
        using var temp = new TempDirectory();
        var result = Load(temp, Header + "  Old: { machine: mainpc }\ndeprecated: [Old]\n");

        Assert.Equal(["Old"], Single(result, FleetRules.DeprecatedAgentDefined).Agents);
    }

    [Fact]
    public void FLEET020_PortConflict_MainAndHealthTogetherPerMachine()
    {
        using var temp = new TempDirectory();
        var result = Load(temp, Header + """
              A: { machine: mainpc, port: "${OFFSET}+7200", health_port: 8200 }
              B: { machine: mainpc, port: 7300, health_port: 7200 }
              C: { machine: pc2, port: 7200 }
            """, ("OFFSET", "0"));

        var diagnostic = Single(result, FleetRules.PortConflict);
        Assert.Equal("port 7200 on mainpc is used 2 times: by A (port) and B (health port)", diagnostic.Message);
        Assert.Equal([7200], diagnostic.Ports);
        Assert.Equal(["A", "B"], diagnostic.Agents);
    }

    [Fact]
    public void FLEET021_FLEET022_PortRange()
    {
        using var temp = new TempDirectory();
        var result = Load(temp, Header + "  A: { machine: mainpc, port: 70000, health_port: 80 }\n");

        Assert.Equal([70000], Single(result, FleetRules.PortOutOfRange).Ports);
        Assert.Equal([80], Single(result, FleetRules.PrivilegedPort).Ports);
    }

    [Fact]
    public void FLEET030_BindAll_HostAndSettings()
    {
        using var temp = new TempDirectory();
        var result = Load(temp, Header + "  A: { machine: mainpc, host: 0.0.0.0, settings: { bind: \"tcp://*:5555\", ok: \"10.0.0.0/8\" } }\n");

        Assert.Equal(2, result.Diagnostics.Count(d => d.Rule == FleetRules.BindAllInterfaces));
    }

    [Fact]
    public void FLEET031_PrivateLiteral_FlaggedButNotMachineHostOrVariables()
    {
        using var temp = new TempDirectory();
        var result = Load(temp, """
            version: 1
            machines:
              mainpc: { host: 192.168.1.10 }
            agents:
              A: { settings: { redis: "192.168.1.20:6379", public: "8.8.8.8", fromVariable: "${MAINPC_IP:-192.168.1.10}" } }
            """);

        var diagnostic = Single(result, FleetRules.HardCodedAddress);
        Assert.Contains("192.168.1.20", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(new SourceLocation(diagnostic.Location.Source, 5, 28), diagnostic.Location);
    }

    [Fact]
    public void FLEET032_CrossMachine_InfoUnlessTimeout()
    {
        using var temp = new TempDirectory();
        var result = Load(temp, Header + """
              Hub: { machine: mainpc, required: true }
              A: { machine: pc2, dependencies: [Hub] }
              B: { machine: pc2, dependencies: [{ agent: Hub, timeout_seconds: 2.5 }] }
            """);

        Assert.Equal(["A", "Hub"], Single(result, FleetRules.CrossMachineDependency).Agents);
        Assert.Equal(TimeSpan.FromSeconds(2.5), result.Topology.Agents[2].Dependencies[0].Timeout);
    }

    [Fact]
    public void FLEET040_FLEET041_Gpu()
    {
        using var temp = new TempDirectory();
        var result = Load(temp, """
            version: 1
            machines:
              pc2: { gpus: [{ name: RTX 3060, vram_mib: 12288 }] }
              cpuonly: { gpus: [] }
              unknown: {}
            agents:
              Big: { machine: pc2, gpu: { vram_mib: 16000 } }
              A: { machine: pc2, gpu: { vram_mib: 8000 } }
              B: { machine: pc2, gpu: { vram_mib: 8000 } }
              C: { machine: cpuonly, gpu: true }
              D: { machine: unknown, gpu: true }
            """);

        Assert.Equal(["Big", "C"], result.Diagnostics.Where(d => d.Rule == FleetRules.GpuUnavailable).SelectMany(d => d.Agents));
        Assert.Contains("need 32000 MiB of VRAM together, but it has 12288 MiB", Single(result, FleetRules.GpuOversubscribed).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FLEET052_UnknownKeyNearKnown_WarningAndKept()
    {
        using var temp = new TempDirectory();
        var result = Load(temp, Header + "  A: { machine: mainpc, dependancies: [B], script_path: a.py }\n  B: { machine: mainpc }\n");

        Assert.Contains("did you mean 'dependencies'", Single(result, FleetRules.UnknownKey).Message, StringComparison.Ordinal);
        Assert.Equal(["dependancies", "script_path"], result.Topology.Agents[0].Extra.Entries.Select(e => e.Key));
    }

    [Fact]
    public void Rules_IdsUniqueAndEveryRuleDocumented()
    {
        Assert.Equal(FleetRules.All.Count, FleetRules.All.Select(r => r.Id).Distinct().Count());
        var docs = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "config.md"));
        Assert.All(FleetRules.All, rule => Assert.Contains($"### {rule.Id}", docs, StringComparison.Ordinal));
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Fleet.Sdk.sln")))
        {
            dir = dir.Parent;
        }

        return dir!.FullName;
    }
}
