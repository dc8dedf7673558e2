using System.Text.Json;

namespace Fleet.Cli.Tests;

/// <summary>
/// <c>fleet config</c> on the realistic fixtures. Every run passes --ignore-environment so the
/// machine's own variables (a PORT_OFFSET set in a developer's shell) cannot change the outcome.
/// </summary>
public sealed class ConfigCommandTests
{
    private static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Fixtures", "config", .. parts]);

    private static readonly string[] Broken =
    [
        Fixture("legacy-broken", "main_pc_code", "config", "startup_config.yaml"),
        Fixture("legacy-broken", "main_pc_code", "config", "startup_config_docker.yaml"),
        Fixture("legacy-broken", "pc2_code", "config", "startup_config.yaml"),
    ];

    private static readonly string[] CleanLegacy =
    [
        Fixture("legacy-clean", "main_pc_code", "config", "startup_config.yaml"),
        Fixture("legacy-clean", "pc2_code", "config", "startup_config.yaml"),
    ];

    [Fact]
    public async Task Validate_BrokenLegacyFixtures_ExitsOneReportingEveryProblemWithAgentsPortsLocations()
    {
        var result = await CliRunner.RunAsync(["config", "validate", "--ignore-environment", .. Broken]);

        Assert.Equal(ExitCodes.Problems, result.ExitCode);
        var findings = result.Output.Split('\n').Where(l => l.StartsWith("error ", StringComparison.Ordinal) || l.StartsWith("warning ", StringComparison.Ordinal) || l.StartsWith("info ", StringComparison.Ordinal)).ToList();
        Assert.All(findings, line => Assert.Matches(@"^(error|warning|info) FLEET0\d\d \S+startup_config(_docker)?\.yaml:\d+:\d+: ", line));
        Assert.Contains(findings, l => l.Contains("FLEET001", StringComparison.Ordinal) && l.Contains("variable PORT_OFFSET is not defined; it is used 20 times by ServiceRegistry", StringComparison.Ordinal));
        Assert.Contains(findings, l => l.Contains("FLEET020", StringComparison.Ordinal) && l.Contains("port 6580 on mainpc", StringComparison.Ordinal) && l.Contains("StreamingTTSAgent (port)", StringComparison.Ordinal));
        Assert.Contains(findings, l => l.Contains("FLEET012", StringComparison.Ordinal) && l.Contains("MemoryClient -> SessionMemoryAgent -> KnowledgeBase -> MemoryClient", StringComparison.Ordinal));
        Assert.Contains(findings, l => l.Contains("FLEET013", StringComparison.Ordinal) && l.Contains("DreamWorldAgent depends on RequestCoordinator", StringComparison.Ordinal));
        Assert.Contains(findings, l => l.Contains("FLEET010", StringComparison.Ordinal) && l.Contains("ObservabilityHub", StringComparison.Ordinal) && l.Contains("port 9000", StringComparison.Ordinal));
        Assert.Contains(findings, l => l.Contains("FLEET030", StringComparison.Ordinal) && l.Contains("MemoryOrchestratorService host is '0.0.0.0'", StringComparison.Ordinal));
        Assert.Contains(findings, l => l.Contains("FLEET031", StringComparison.Ordinal) && l.Contains("192.168.100.16", StringComparison.Ordinal));
        Assert.Contains(findings, l => l.Contains("FLEET032", StringComparison.Ordinal) && l.Contains("ResourceManager on pc2 depends on ServiceRegistry on mainpc", StringComparison.Ordinal));
        Assert.Contains(findings, l => l.Contains("FLEET050", StringComparison.Ordinal) && l.Contains("port 5713 vs 5714", StringComparison.Ordinal));
        Assert.Contains("    at ", result.Output, StringComparison.Ordinal);
        Assert.Contains("    fix: ", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"\d+ errors, \d+ warnings, \d+ infos: 23 agents on 2 machines from 3 topology files", result.Output);
        Assert.Empty(result.Error);
    }

    [Fact]
    public async Task Validate_CleanLegacyAndUnifiedFixtures_ExitZeroNoFindings()
    {
        var legacy = await CliRunner.RunAsync(["config", "validate", "--ignore-environment", .. CleanLegacy]);
        var unified = await CliRunner.RunAsync("config", "validate", "--ignore-environment", Fixture("unified-clean"));

        Assert.Equal((ExitCodes.Success, "no problems: 18 agents on 2 machines from 2 topology files (+2 override/.env files)\n"), (legacy.ExitCode, legacy.Output.ReplaceLineEndings("\n")));
        Assert.Equal(ExitCodes.Success, unified.ExitCode);
        Assert.StartsWith("no problems: 7 agents on 2 machines", unified.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_JsonFormat_StructuredFindings()
    {
        var result = await CliRunner.RunAsync(["config", "validate", "--ignore-environment", "--format", "json", .. Broken]);

        Assert.Equal(ExitCodes.Problems, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        var root = json.RootElement;
        Assert.False(root.GetProperty("ok").GetBoolean());
        Assert.Equal(3, root.GetProperty("files").GetArrayLength());
        var conflict = root.GetProperty("diagnostics").EnumerateArray().First(d => d.GetProperty("id").GetString() == "FLEET020" && d.GetProperty("machine").GetString() == "mainpc");
        Assert.Equal("port-conflict", conflict.GetProperty("rule").GetString());
        Assert.Equal("error", conflict.GetProperty("severity").GetString());
        Assert.Equal([6580], conflict.GetProperty("ports").EnumerateArray().Select(p => p.GetInt32()));
        Assert.Equal(3, conflict.GetProperty("related").GetArrayLength());
        Assert.True(conflict.GetProperty("line").GetInt32() > 0);
    }

    [Fact]
    public async Task Validate_FailOnError_WarningsAloneExitZero()
    {
        using var temp = new TempDirectory();
        var path = temp.WriteFile("fleet.yaml", "version: 1\nmachines: { m: {} }\nagents:\n  A: { port: 80 }\n");

        var strict = await CliRunner.RunAsync("config", "validate", "--ignore-environment", path);
        var lenient = await CliRunner.RunAsync("config", "validate", "--ignore-environment", "--fail-on", "error", path);

        Assert.Equal((ExitCodes.Problems, ExitCodes.Success), (strict.ExitCode, lenient.ExitCode));
        Assert.StartsWith("warning FLEET022", lenient.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_EnvFile_DefinesVariables()
    {
        using var temp = new TempDirectory();
        var env = temp.WriteFile("vars.env", "PORT_OFFSET=0\nMAIN_PC_IP=127.0.0.1\n");

        var result = await CliRunner.RunAsync(["config", "validate", "--ignore-environment", "--env-file", env, "--format", "json", .. Broken]);

        using var json = JsonDocument.Parse(result.Output);
        var ids = json.RootElement.GetProperty("diagnostics").EnumerateArray().Select(d => d.GetProperty("id").GetString()).ToList();
        Assert.DoesNotContain("FLEET001", ids);
        Assert.Contains("FLEET006", ids);
    }

    [Fact]
    public async Task Validate_MainPcIpUnderBothNamesWithDifferentValues_WarnsNamingBothAndTheWinner()
    {
        // A defect found trying the fleet as a new user: both names set, differently, and validate said nothing.
        using var temp = new TempDirectory();
        var env = temp.WriteFile("vars.env", "PORT_OFFSET=0\nMAINPC_IP=192.168.1.10\nMAIN_PC_IP=192.168.1.20\n");

        var result = await CliRunner.RunAsync(["config", "validate", "--ignore-environment", "--env-file", env, .. CleanLegacy]);

        Assert.Equal(ExitCodes.Problems, result.ExitCode);
        Assert.Contains("warning FLEET007", result.Output, StringComparison.Ordinal);
        Assert.Contains("MAINPC_IP=192.168.1.10 and MAIN_PC_IP=192.168.1.20 are set to different values. Fleet.Sdk reads MAINPC_IP", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("malformed.yaml", "malformed.yaml:5:6: malformed YAML")]
    [InlineData("malformed.json", "malformed.json:5:5: malformed JSON")]
    [InlineData("wrong-types.yaml", "wrong-types.yaml:6:11: 'agents.ServiceRegistry.port' must be a port number")]
    [InlineData("unknown-schema.yaml", "unknown-schema.yaml:1:1: unknown schema")]
    [InlineData("future-version.yaml", "future-version.yaml:1:10: unknown schema version 7")]
    [InlineData("empty.yaml", "empty.yaml: is not a regular file with content: it is empty")]
    [InlineData("missing.yaml", "missing.yaml: file not found")]
    public async Task Validate_BadInput_ExitsTwoWithLocatedErrorNoStackTrace(string file, string expected)
    {
        var result = await CliRunner.RunAsync("config", "validate", Fixture("bad-input", file));

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.StartsWith("error: The fleet configuration could not be loaded", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task Validate_BadInputAsJson_LoadErrorsInJson()
    {
        var result = await CliRunner.RunAsync("config", "validate", "--format", "json", Fixture("bad-input", "wrong-types.yaml"));

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal(3, json.RootElement.GetProperty("loadErrors").GetArrayLength());
    }

    [Fact]
    public async Task Validate_DirectoryWithoutTopology_UsageError()
    {
        using var temp = new TempDirectory();

        var result = await CliRunner.RunAsync("config", "validate", temp.Path);

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains("holds no topology file", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_BadLegacyMachineOption_UsageError()
    {
        var result = await CliRunner.RunAsync(["config", "validate", "--legacy-machine", "nonsense", .. CleanLegacy]);

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains("is not FILE=MACHINE", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_LegacyMachineOption_RenamesMachine()
    {
        var result = await CliRunner.RunAsync("config", "validate", "--ignore-environment", "--format", "json", "--legacy-machine", $"{CleanLegacy[1]}=pc3", CleanLegacy[1]);

        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal("pc3", json.RootElement.GetProperty("files")[0].GetProperty("machine").GetString());
    }

    [Fact]
    public async Task Show_Machine_EffectiveConfigurationWithOverridesAndSet()
    {
        var result = await ShowAsync("pc2", "--set", "Fleet:Topology:Agents:CacheManager:Port=7300");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("host: 127.0.0.2", result.Output, StringComparison.Ordinal);
        Assert.Contains("vram_mib: 12288", result.Output, StringComparison.Ordinal);
        Assert.Contains("  CacheManager:\n    machine: pc2\n    group: memory\n    port: 7300\n", result.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("ServiceRegistry:", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_Json_ParsesWithTypedValues()
    {
        var result = await ShowAsync("mainpc", "--format", "json");

        using var json = JsonDocument.Parse(result.Output);
        var registry = json.RootElement.GetProperty("agents").GetProperty("ServiceRegistry");
        Assert.Equal(7200, registry.GetProperty("port").GetInt32());
        Assert.True(registry.GetProperty("required").GetBoolean());
    }

    [Fact]
    public async Task Show_SetCreatesConflict_ExitsOneNamingBothSources()
    {
        var result = await ShowAsync("pc2", "--set", "Fleet:Topology:Agents:CacheManager:Port=7150");

        Assert.Equal(ExitCodes.Problems, result.ExitCode);
        Assert.Contains("FLEET020", result.Error, StringComparison.Ordinal);
        Assert.Contains("Fleet:Topology:Agents:CacheManager:Port", result.Error, StringComparison.Ordinal);
        Assert.Contains("fleet.yaml:78:11", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_UnknownMachine_UsageErrorListingMachines()
    {
        var result = await ShowAsync("pc9");

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains("its machines are: mainpc, pc2", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Graph_Mermaid_MachinesAsClustersCrossMachineEdgesLabelled()
    {
        var result = await CliRunner.RunAsync("config", "graph", "--ignore-environment", Fixture("unified-clean"));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.StartsWith("flowchart LR\n", result.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("subgraph machine_mainpc[\"mainpc (127.0.0.1)\"]", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"MemoryOrchestratorService_\d+ -\. ""5s"" \.-> ServiceRegistry_\d+", result.Output);
        Assert.Contains("RequestCoordinator (deprecated)", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Graph_Dot_BrokenFixturesMarkUndefinedAndCycleEdges()
    {
        var result = await CliRunner.RunAsync(["config", "graph", "--ignore-environment", "--format", "dot", .. Broken]);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("subgraph \"cluster_pc2\"", result.Output, StringComparison.Ordinal);
        Assert.Contains("\"VisionCaptureAgnet\" [label=\"VisionCaptureAgnet (undefined)\", color=red];", result.Output, StringComparison.Ordinal);
        Assert.Contains("\"KnowledgeBase\" -> \"MemoryClient\";", result.Output, StringComparison.Ordinal);
        Assert.Contains("\"ResourceManager\" -> \"ServiceRegistry\" [style=dashed, label=\"no timeout\"];", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_CleanLegacy_WritesUnifiedThatValidatesCleanAndMatches()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("out");

        var migrate = await CliRunner.RunAsync(["config", "migrate", "--ignore-environment", "-o", output, .. CleanLegacy]);
        var validate = await CliRunner.RunAsync("config", "validate", "--ignore-environment", output);
        var before = await CliRunner.RunAsync(["config", "graph", "--ignore-environment", "--format", "dot", .. CleanLegacy]);
        var after = await CliRunner.RunAsync("config", "graph", "--ignore-environment", "--format", "dot", output);

        Assert.Equal(ExitCodes.Success, migrate.ExitCode);
        Assert.Contains("checked: 18 agents on 2 machines resolve to the same", migrate.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "overrides", "mainpc.yaml")));
        Assert.Equal(ExitCodes.Success, validate.ExitCode);
        Assert.StartsWith("no problems: 18 agents on 2 machines", validate.Output, StringComparison.Ordinal);
        Assert.Equal(Sorted(before.Output), Sorted(after.Output));
    }

    [Fact]
    public async Task Migrate_ExistingOutput_UsageErrorUnlessForce()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("fleet.yaml", "keep");

        var refused = await CliRunner.RunAsync(["config", "migrate", "--ignore-environment", "-o", temp.Path, .. CleanLegacy]);
        var forced = await CliRunner.RunAsync(["config", "migrate", "--ignore-environment", "--force", "-o", temp.Path, .. CleanLegacy]);

        Assert.Equal(ExitCodes.UsageError, refused.ExitCode);
        Assert.Contains("--force", refused.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, forced.ExitCode);
        Assert.StartsWith("# The fleet's topology", File.ReadAllText(temp.Combine("fleet.yaml")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_BrokenFixtures_RefusedExitOneNothingWritten()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("out");

        var result = await CliRunner.RunAsync(["config", "migrate", "--ignore-environment", "-o", output, .. Broken]);

        Assert.Equal(ExitCodes.Problems, result.ExitCode);
        Assert.Contains("Cannot migrate", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task Migrate_Define_FixesUndefinedVariable()
    {
        using var temp = new TempDirectory();
        var legacy = temp.WriteFile("startup_config.yaml", "agent_groups:\n  core:\n    A: { port: \"${PORT_OFFSET}+7200\" }\n");

        var migrate = await CliRunner.RunAsync("config", "migrate", "--ignore-environment", "-o", temp.Combine("out"), "--define", "PORT_OFFSET=0", legacy);
        var validate = await CliRunner.RunAsync("config", "validate", "--ignore-environment", temp.Combine("out"));

        Assert.Equal(ExitCodes.Success, migrate.ExitCode);
        Assert.Contains("with the --define variables the input validates clean", migrate.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, validate.ExitCode);
    }

    [Fact]
    public async Task Config_NoFilesAndNoConfigDir_UsageErrorNamingVariable()
    {
        if (Environment.GetEnvironmentVariable("FLEET_CONFIG_DIR") is not null || Environment.GetEnvironmentVariable("CONFIG_DIR") is not null)
        {
            // The default comes from these variables; with one set the case under test cannot happen.
            Assert.True(true);
            return;
        }

        var result = await CliRunner.RunAsync("config", "validate");

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains("FLEET_CONFIG_DIR", result.Error, StringComparison.Ordinal);
    }

    private static Task<CliResult> ShowAsync(string machine, params string[] more) =>
        CliRunner.RunAsync(["config", "show", "--ignore-environment", "--machine", machine, Fixture("unified-clean"), .. more]);

    private static string Sorted(string text) => string.Join("\n", text.ReplaceLineEndings("\n").Split('\n').Order(StringComparer.Ordinal));
}
