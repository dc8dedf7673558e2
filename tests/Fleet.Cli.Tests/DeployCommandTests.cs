using Fleet.Sdk.Tests;

namespace Fleet.Cli.Tests;

/// <summary>
/// <c>fleet deploy render</c> and <c>diff</c> on the legacy and two-machine fixtures, every render checked
/// by the real tools (docker-compose config -q, systemd-analyze verify). Runs pass --ignore-environment
/// so the developer's own variables cannot change the outcome.
/// </summary>
public sealed class DeployCommandTests
{
    private static readonly string[] Legacy =
    [
        Config("legacy-clean", "main_pc_code", "config", "startup_config.yaml"),
        Config("legacy-clean", "pc2_code", "config", "startup_config.yaml"),
    ];

    private static readonly string TwoMachine = Deploy("two-machine");

    private static string Config(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Fixtures", "config", .. parts]);

    private static string Deploy(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Fixtures", "deploy", .. parts]);

    private static Task<CliResult> RenderLegacyAsync(TempDirectory temp, string machine, string format, string outDirectory)
    {
        var env = temp.WriteFile("offset.env", "PORT_OFFSET=100\n");
        return CliRunner.RunAsync(["deploy", "render", .. Legacy, "--ignore-environment", "--env-file", env, "--machine", machine,
            "--address", machine == "mainpc" ? "10.0.0.1" : "10.0.0.2", "--default-image", "registry.example/fleet/legacy-agents:1.0",
            "--format", format, "--install-dir", temp.Combine("opt"), "--out", outDirectory]);
    }

    /// <summary>Renders the two-machine fixture for <paramref name="machine"/> into TEMP/MACHINE and returns that directory.</summary>
    private static Task<string> RenderTwoMachineAsync(TempDirectory temp, string machine) => RenderAsync(temp, TwoMachine, machine);

    /// <summary>Renders a fixture (compose) for <paramref name="machine"/> into TEMP/MACHINE, expecting success, and returns that directory.</summary>
    private static async Task<string> RenderAsync(TempDirectory temp, string fixture, string machine)
    {
        var result = await CliRunner.RunAsync("deploy", "render", fixture, "--ignore-environment", "--machine", machine, "--out", temp.Combine(machine));
        Assert.True(result.ExitCode == ExitCodes.Success, result.Error);
        return temp.Combine(machine);
    }

    [RequiresDockerComposeFact]
    public async Task Render_LegacyFixturesBothMachinesWithPortOffset_ComposeFilesPassDockerCompose()
    {
        using var temp = new TempDirectory();
        foreach (var machine in new[] { "mainpc", "pc2" })
        {
            var result = await RenderLegacyAsync(temp, machine, "compose", temp.Combine(machine));

            Assert.True(result.ExitCode == ExitCodes.Success, result.Error);
            await DeployTools.AssertComposeValidAsync(temp.Combine(machine));
            var compose = File.ReadAllText(temp.Combine(machine, "compose.yaml"));
            Assert.DoesNotContain("${", compose, StringComparison.Ordinal);
            Assert.DoesNotContain("0.0.0.0", compose, StringComparison.Ordinal);
            Assert.Contains("PORT_OFFSET=100", File.ReadAllText(temp.Combine(machine, ".env")), StringComparison.Ordinal);
        }

        Assert.Contains("\"10.0.0.1:7300:7300\"", File.ReadAllText(temp.Combine("mainpc", "compose.yaml")), StringComparison.Ordinal);
        Assert.Contains("\"10.0.0.2:7240:7240\"", File.ReadAllText(temp.Combine("pc2", "compose.yaml")), StringComparison.Ordinal);
    }

    [RequiresSystemdAnalyzeFact]
    public async Task Render_LegacyFixturesBothMachinesWithPortOffset_UnitsPassSystemdAnalyzeVerify()
    {
        using var temp = new TempDirectory();
        foreach (var machine in new[] { "mainpc", "pc2" })
        {
            var result = await RenderLegacyAsync(temp, machine, "systemd", temp.Combine(machine));

            Assert.True(result.ExitCode == ExitCodes.Success, result.Error);
            DeployTools.InstallStandIns(temp.Combine(machine), temp.Combine("opt"));
            await DeployTools.AssertUnitsValidAsync(temp.Combine(machine));
        }

        var unit = File.ReadAllText(temp.Combine("mainpc", "fleet-service-registry.service"));
        Assert.Contains("MemoryMax=2048M", unit, StringComparison.Ordinal);
        Assert.Contains("DynamicUser=yes", unit, StringComparison.Ordinal);
        Assert.Contains("NoNewPrivileges=yes", unit, StringComparison.Ordinal);
        Assert.Contains("ProtectSystem=strict", unit, StringComparison.Ordinal);
        Assert.Contains("PrivateTmp=yes", unit, StringComparison.Ordinal);
        Assert.Contains("Restart=always", unit, StringComparison.Ordinal);
    }

    [RequiresDockerComposeFact]
    public async Task Render_TwoMachineCompose_EachMachineGetsItsAgentsServersBridgeAndPassesDockerCompose()
    {
        using var temp = new TempDirectory();
        foreach (var machine in new[] { "mainpc", "pc2" })
        {
            await DeployTools.AssertComposeValidAsync(await RenderTwoMachineAsync(temp, machine));
        }

        var mainpc = File.ReadAllText(temp.Combine("mainpc", "compose.yaml"));
        var pc2 = File.ReadAllText(temp.Combine("pc2", "compose.yaml"));
        Assert.Contains("  nats-4222:", mainpc, StringComparison.Ordinal);
        Assert.Contains("  nats-4223:", mainpc, StringComparison.Ordinal);
        Assert.Contains("  nats-4222:", pc2, StringComparison.Ordinal);
        Assert.DoesNotContain("nats-4223", pc2, StringComparison.Ordinal);
        Assert.Contains("  bridge-primary:", mainpc, StringComparison.Ordinal);
        Assert.Contains("  bridge-backup:", pc2, StringComparison.Ordinal);
        Assert.Contains("\"--cert\", \"/run/secrets/bridge-primary.key_secret\", \"--peer-key\", \"/run/secrets/bridge-backup.key\"", mainpc, StringComparison.Ordinal);
        Assert.Contains("file: \"/etc/fleet/secrets/bridge-primary.key_secret\"", mainpc, StringComparison.Ordinal);
        Assert.Contains("\"127.0.0.1:7200:7200\"", mainpc, StringComparison.Ordinal);
        Assert.Contains("\"exec 3<>/dev/tcp/127.0.0.1/8200 && printf 'GET /alive HTTP/1.0", mainpc, StringComparison.Ordinal);
        Assert.Contains("capabilities: [gpu]", mainpc, StringComparison.Ordinal);
        Assert.Contains("limits: { memory: 8192M }", mainpc, StringComparison.Ordinal);
        Assert.Contains("file: \"/etc/fleet/secrets/service_registry_api_key\"", mainpc, StringComparison.Ordinal);
        Assert.Contains("condition: service_healthy", mainpc, StringComparison.Ordinal);

        // pc2's MemoryOrchestratorService depends on ServiceRegistry on mainpc: not waited for, only listed.
        Assert.Contains("  resource-manager:", pc2, StringComparison.Ordinal);
        Assert.DoesNotContain("service-registry:\n        condition", pc2.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("ServiceRegistry on mainpc", File.ReadAllText(temp.Combine("pc2", "README.md")), StringComparison.Ordinal);
        Assert.Contains("limits: { memory: 4096M }", pc2, StringComparison.Ordinal);
        Assert.Contains("restart: on-failure", pc2, StringComparison.Ordinal);
        Assert.Equal("# The variables the topology uses (fleet.yaml, mainpc.yaml), each defined.", File.ReadAllLines(temp.Combine("mainpc", ".env"))[0]);
        Assert.Equal(["LOG_LEVEL=Information", "MAINPC_IP=127.0.0.1", "PC2_IP=127.0.0.2", "PORT_OFFSET=0"],
            File.ReadAllLines(temp.Combine("mainpc", ".env")).Where(l => !l.StartsWith('#')).ToArray());
    }

    [RequiresSystemdAnalyzeFact]
    public async Task Render_TwoMachineSystemd_UnitsPassSystemdAnalyzeVerifyWithCredentialsAndGpu()
    {
        using var temp = new TempDirectory();
        foreach (var machine in new[] { "mainpc", "pc2" })
        {
            var result = await CliRunner.RunAsync("deploy", "render", TwoMachine, "--ignore-environment", "--machine", machine,
                "--format", "systemd", "--install-dir", temp.Combine("opt"), "--out", temp.Combine(machine));
            Assert.True(result.ExitCode == ExitCodes.Success, result.Error);
            DeployTools.InstallStandIns(temp.Combine(machine), temp.Combine("opt"));
            await DeployTools.AssertUnitsValidAsync(temp.Combine(machine));
        }

        var registry = File.ReadAllText(temp.Combine("mainpc", "fleet-service-registry.service"));
        Assert.Contains("LoadCredential=api_key:/etc/fleet/secrets/service_registry_api_key", registry, StringComparison.Ordinal);
        Assert.Contains("MemoryMax=512M", registry, StringComparison.Ordinal);
        Assert.Contains("PrivateDevices=no", File.ReadAllText(temp.Combine("mainpc", "fleet-model-manager-suite.service")), StringComparison.Ordinal);
        Assert.Contains("After=network-online.target fleet-memory-orchestrator-service.service",
            File.ReadAllText(temp.Combine("pc2", "fleet-resource-manager.service")), StringComparison.Ordinal);
        Assert.True(File.Exists(temp.Combine("mainpc", "fleet-nats-4223.service")));
        Assert.Contains("--cert /run/credentials/fleet-bridge-backup.service/bridge-backup.key_secret", File.ReadAllText(temp.Combine("pc2", "fleet-bridge-backup.service")), StringComparison.Ordinal);
    }

    [RequiresSystemdAnalyzeFact]
    public async Task AssertUnitsValid_BrokenUnit_SystemdAnalyzeRejectsIt()
    {
        using var temp = new TempDirectory();
        var result = await CliRunner.RunAsync("deploy", "render", TwoMachine, "--ignore-environment", "--machine", "pc2",
            "--format", "systemd", "--install-dir", temp.Combine("opt"), "--out", temp.Combine("pc2"));
        Assert.Equal(ExitCodes.Success, result.ExitCode);
        DeployTools.InstallStandIns(temp.Combine("pc2"), temp.Combine("opt"));
        var unit = temp.Combine("pc2", "fleet-resource-manager.service");
        File.WriteAllText(unit, File.ReadAllText(unit).Replace("Restart=on-failure", "Restart=sometimes", StringComparison.Ordinal));

        var failure = await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() => DeployTools.AssertUnitsValidAsync(temp.Combine("pc2")));

        Assert.Contains("restart specifier", failure.Message, StringComparison.Ordinal);
    }

    [RequiresSystemdAnalyzeFact]
    public async Task AssertUnitsValid_MissingExecutable_SystemdAnalyzeRejectsIt()
    {
        using var temp = new TempDirectory();
        var result = await CliRunner.RunAsync("deploy", "render", TwoMachine, "--ignore-environment", "--machine", "pc2",
            "--format", "systemd", "--install-dir", temp.Combine("opt"), "--out", temp.Combine("pc2"));
        Assert.Equal(ExitCodes.Success, result.ExitCode);

        var failure = await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() => DeployTools.AssertUnitsValidAsync(temp.Combine("pc2")));

        Assert.Contains("is not executable", failure.Message, StringComparison.Ordinal);
    }

    [RequiresDockerComposeFact]
    public async Task AssertComposeValid_BrokenFile_DockerComposeRejectsIt()
    {
        using var temp = new TempDirectory();
        var result = await CliRunner.RunAsync("deploy", "render", TwoMachine, "--ignore-environment", "--machine", "pc2", "--out", temp.Path);
        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var compose = temp.Combine("compose.yaml");
        File.WriteAllText(compose, File.ReadAllText(compose).Replace("condition: service_healthy", "condition: service_ready", StringComparison.Ordinal));

        var failure = await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() => DeployTools.AssertComposeValidAsync(temp.Path));

        Assert.Contains("service_ready", failure.Message, StringComparison.Ordinal);
    }

    [RequiresNatsServerFact]
    public async Task Render_TwoMachineNats_ConfigHasAuthorizationAndTlsWithoutSecretsAndNatsServerAcceptsIt()
    {
        using var temp = new TempDirectory();
        var mainpc = await RenderTwoMachineAsync(temp, "mainpc");
        var configuration = File.ReadAllText(Path.Combine(mainpc, "nats-4222.conf"));
        var compose = File.ReadAllText(Path.Combine(mainpc, "compose.yaml"));

        Assert.Contains("include \"../../run/secrets/nats-password.conf\"", configuration, StringComparison.Ordinal);
        Assert.Contains("user: \"fleet\"", configuration, StringComparison.Ordinal);
        Assert.Contains("cert_file: \"/run/secrets/fleet-coordination.crt\"", configuration, StringComparison.Ordinal);
        Assert.Contains("verify: true", configuration, StringComparison.Ordinal);
        Assert.Contains("routes: [\"nats://127.0.0.1:6223\", \"nats://127.0.0.2:6222\"]", configuration, StringComparison.Ordinal);
        Assert.DoesNotContain("password:", configuration + compose, StringComparison.Ordinal);
        Assert.Contains("command: [\"nats-server\", \"-c\", \"/etc/fleet/nats.conf\"]", compose, StringComparison.Ordinal);
        Assert.Contains("file: \"/etc/fleet/secrets/nats-password.conf\"", compose, StringComparison.Ordinal);
        Assert.Contains("file: \"/etc/fleet/secrets/fleet-coordination.key\"", compose, StringComparison.Ordinal);

        var root = temp.Combine("root");
        await DeployTools.WriteCoordinationSecretsAsync(Path.Combine(root, "run", "secrets"), "nats-password.conf");
        var (exitCode, output) = await DeployTools.TestNatsConfigAsync(configuration, root);
        Assert.True(exitCode == 0, $"nats-server -t refused the rendered nats-4222.conf (exit {exitCode}): {output}\n{configuration}");
    }

    [RequiresRedisServerFact]
    public async Task Render_RedisSentinelAcrossMachines_ConfigsKeepPasswordsOutAndRealServersRequireAuth()
    {
        using var temp = new TempDirectory();
        var pc2 = await RenderAsync(temp, Deploy("redis-sentinel"), "pc2");
        await DeployTools.AssertComposeValidAsync(pc2);
        var (redis, sentinel) = (File.ReadAllText(Path.Combine(pc2, "redis-6379.conf")), File.ReadAllText(Path.Combine(pc2, "sentinel-26379.conf")));
        var everything = string.Concat(Directory.GetFiles(pc2).Select(File.ReadAllText));
        Assert.Equal(["include /run/secrets/redis-password.conf", "replicaof 127.0.0.1 6379", "tls-replication yes"],
            redis.Split('\n').Where(l => l.StartsWith("include", StringComparison.Ordinal) || l.StartsWith("replicaof", StringComparison.Ordinal) || l.StartsWith("tls-replication", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Contains("include /run/secrets/redis-password-sentinel.conf", sentinel, StringComparison.Ordinal);
        Assert.DoesNotContain("requirepass", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("auth-pass", everything, StringComparison.Ordinal);

        var root = temp.Combine("root");
        var secrets = Path.Combine(root, "run", "secrets");
        await DeployTools.WriteCoordinationSecretsAsync(secrets, "redis-password.conf");
        File.WriteAllText(Path.Combine(secrets, "redis-password.conf"), "requirepass test-only-password\nmasterauth test-only-password\n");
        File.WriteAllText(Path.Combine(secrets, "redis-password-sentinel.conf"), "requirepass test-only-password\nsentinel auth-pass fleet test-only-password\n");
        var redisPort = Tcp.FreePort();
        var serverReply = await DeployTools.PingUnauthenticatedAsync(redis.Replace("replicaof 127.0.0.1 6379", "replicaof 127.0.0.1 " + Tcp.FreePort(), StringComparison.Ordinal), root, sentinel: false, 6379, redisPort);
        var sentinelReply = await DeployTools.PingUnauthenticatedAsync(sentinel.Replace("127.0.0.1 6379", "127.0.0.1 " + redisPort, StringComparison.Ordinal), root, sentinel: true, 26379, Tcp.FreePort());

        Assert.Contains("NOAUTH", serverReply, StringComparison.Ordinal);
        Assert.Contains("NOAUTH", sentinelReply, StringComparison.Ordinal);

        // The check can fail: the same server without the password include answers anyone.
        var open = await DeployTools.PingUnauthenticatedAsync(redis.Replace("include /run/secrets/redis-password.conf", string.Empty, StringComparison.Ordinal)
            .Replace("replicaof 127.0.0.1 6379", string.Empty, StringComparison.Ordinal), root, sentinel: false, 6379, Tcp.FreePort());
        Assert.Equal("PONG", open);
    }

    [RequiresDockerComposeFact]
    public async Task Render_Sentinel_RunsFromACopyInItsStateBecauseItRewritesItsConfiguration()
    {
        // Sentinel refuses a configuration file it cannot rewrite, and rewrites it by renaming a new file over it:
        // neither a read-only install directory (systemd's ProtectSystem=strict) nor a file bind mount allows that.
        using var temp = new TempDirectory();
        var compose = File.ReadAllText(Path.Combine(await RenderAsync(temp, Deploy("redis-sentinel"), "pc2"), "compose.yaml"));
        var systemd = await CliRunner.RunAsync("deploy", "render", Deploy("redis-sentinel"), "--ignore-environment", "--machine", "pc2",
            "--format", "systemd", "--install-dir", temp.Combine("opt"), "--out", temp.Combine("units"));
        Assert.True(systemd.ExitCode == ExitCodes.Success, systemd.Error);
        var unit = File.ReadAllText(temp.Combine("units", "fleet-sentinel-26379.service"));

        Assert.Contains("cp -n /etc/fleet/sentinel.conf /data/sentinel.conf && exec redis-server /data/sentinel.conf --sentinel", compose, StringComparison.Ordinal);
        Assert.Contains("\"./sentinel-26379.conf:/etc/fleet/sentinel.conf:ro\"", compose, StringComparison.Ordinal);
        Assert.Contains($"ExecStartPre=/bin/cp -n {temp.Combine("opt", "sentinel-26379.conf")} /var/lib/fleet-sentinel-26379/sentinel.conf", unit, StringComparison.Ordinal);
        Assert.Contains("ExecStart=/usr/bin/redis-server /var/lib/fleet-sentinel-26379/sentinel.conf --sentinel", unit, StringComparison.Ordinal);
        Assert.Contains("StateDirectory=fleet-sentinel-26379", unit, StringComparison.Ordinal);
        await DeployTools.AssertComposeValidAsync(temp.Combine("pc2"));
        DeployTools.InstallStandIns(temp.Combine("units"), temp.Combine("opt"));
        await DeployTools.AssertUnitsValidAsync(temp.Combine("units"));
    }

    [RequiresNatsServerFact]
    public async Task TestNatsConfig_BrokenConfigOrMissingSecret_NatsServerRejectsIt()
    {
        using var temp = new TempDirectory();
        var configuration = File.ReadAllText(Path.Combine(await RenderTwoMachineAsync(temp, "pc2"), "nats-4222.conf"));
        var root = temp.Combine("root");
        await DeployTools.WriteCoordinationSecretsAsync(Path.Combine(root, "run", "secrets"), "nats-password.conf");
        Assert.Equal(0, (await DeployTools.TestNatsConfigAsync(configuration, root)).ExitCode);

        var broken = await DeployTools.TestNatsConfigAsync(configuration.Replace("authorization {", "authorization {{", StringComparison.Ordinal), root);
        File.Delete(Path.Combine(root, "run", "secrets", "nats-password.conf"));
        var missing = await DeployTools.TestNatsConfigAsync(configuration, root);

        Assert.NotEqual(0, broken.ExitCode);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("nats-password.conf", missing.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("insecure-nats.yaml", "insecure-nats.yaml:7:16", "lacks Tls: true and PasswordSecret: nats-password")]
    [InlineData("insecure-bridge.yaml", "insecure-bridge.yaml:4:7", "without CURVE keys")]
    [InlineData("insecure-redis.yaml", "insecure-redis.yaml:8:18", "lacks PasswordSecret: redis-password")]
    public async Task Render_CoordinationAcrossMachinesInsecure_RefusesWithFileLineAndFixWritingNothing(string file, string location, string problem)
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("render");

        var result = await CliRunner.RunAsync("deploy", "render", Deploy("refusals", file), "--ignore-environment", "--machine", "mainpc", "--out", output);

        Assert.Equal(ExitCodes.Problems, result.ExitCode);
        Assert.Contains(location, result.Error, StringComparison.Ordinal);
        Assert.Contains(problem, result.Error, StringComparison.Ordinal);
        Assert.Contains("plain text", result.Error, StringComparison.Ordinal);
        Assert.Contains("or pass --insecure-coordination", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task Render_InsecureCoordinationOptOut_RendersAndWarnsInTheReadme()
    {
        using var temp = new TempDirectory();

        var result = await CliRunner.RunAsync("deploy", "render", Deploy("refusals", "insecure-nats.yaml"), "--ignore-environment", "--machine", "mainpc",
            "--insecure-coordination", "--out", temp.Combine("render"));

        Assert.True(result.ExitCode == ExitCodes.Success, result.Error);
        Assert.Contains("**Warning: rendered with `--insecure-coordination`", File.ReadAllText(temp.Combine("render", "README.md")), StringComparison.Ordinal);
        Assert.DoesNotContain("tls {", File.ReadAllText(temp.Combine("render", "nats-4222.conf")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("docker-socket.yaml", "FLEET061", "docker-socket.yaml:10:9", "remove the volume")]
    [InlineData("secret-env.yaml", "FLEET062", "secret-env.yaml:10:7", "name it under 'secrets:'")]
    [InlineData("bind-all.yaml", "FLEET030", "bind-all.yaml:3:19", "machine's own address")]
    [InlineData("no-image.yaml", "FLEET060", "no-image.yaml:5:3", "add 'image: REGISTRY/NAME:TAG'")]
    [InlineData("undefined-variable.yaml", "FLEET001", "undefined-variable.yaml:7:11", "set PORT_OFFSET")]
    public async Task Render_UnsafeOrIncompleteTopology_RefusesWithFileLineAndFixWritingNothing(string file, string rule, string location, string fix)
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("render");

        var result = await CliRunner.RunAsync("deploy", "render", Deploy("refusals", file), "--ignore-environment", "--machine", "mainpc", "--out", output);

        Assert.Equal(ExitCodes.Problems, result.ExitCode);
        Assert.Contains("refusing to render machine mainpc", result.Error, StringComparison.Ordinal);
        var line = result.Error.Split('\n').Single(l => l.Contains(rule, StringComparison.Ordinal));
        Assert.Contains(location, line, StringComparison.Ordinal);
        Assert.Contains(fix, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Theory]
    [InlineData("docker-socket.yaml", "FLEET061")]
    [InlineData("secret-env.yaml", "FLEET062")]
    [InlineData("bind-all.yaml", "FLEET030")]
    [InlineData("undefined-variable.yaml", "FLEET001")]
    public async Task Validate_DeployRefusals_ReportedBeforeRendering(string file, string rule)
    {
        var result = await CliRunner.RunAsync("config", "validate", "--ignore-environment", Deploy("refusals", file));

        Assert.NotEqual(ExitCodes.Success, result.ExitCode);
        Assert.Contains(rule, result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_Twice_KeepsThePreviousRenderForRollback()
    {
        using var temp = new TempDirectory();
        var env = temp.WriteFile("offset.env", "PORT_OFFSET=100\n");
        var first = await CliRunner.RunAsync("deploy", "render", TwoMachine, "--ignore-environment", "--machine", "mainpc", "--out", temp.Combine("out"));
        var firstCompose = File.ReadAllText(temp.Combine("out", "compose.yaml"));
        var second = await CliRunner.RunAsync("deploy", "render", TwoMachine, "--ignore-environment", "--env-file", env, "--machine", "mainpc", "--out", temp.Combine("out"));

        Assert.Equal((ExitCodes.Success, ExitCodes.Success), (first.ExitCode, second.ExitCode));
        Assert.Equal(firstCompose, File.ReadAllText(temp.Combine("out", "previous", "compose.yaml")));
        Assert.Contains("7300:7300", File.ReadAllText(temp.Combine("out", "compose.yaml")), StringComparison.Ordinal);
        Assert.Contains("cd previous && docker-compose -p fleet-mainpc up -d", File.ReadAllText(temp.Combine("out", "README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_ComposeThenSystemd_LeavesNoFileOfTheOldRenderBesideTheNew()
    {
        using var temp = new TempDirectory();
        var user = temp.WriteFile(Path.Combine("out", "notes.txt"), "mine");
        await CliRunner.RunAsync("deploy", "render", TwoMachine, "--ignore-environment", "--machine", "mainpc", "--out", temp.Combine("out"));
        var systemd = await CliRunner.RunAsync("deploy", "render", TwoMachine, "--ignore-environment", "--machine", "mainpc", "--format", "systemd", "--out", temp.Combine("out"));

        Assert.Equal(ExitCodes.Success, systemd.ExitCode);
        Assert.False(File.Exists(temp.Combine("out", "compose.yaml")));
        Assert.True(File.Exists(temp.Combine("out", "previous", "compose.yaml")));
        Assert.True(File.Exists(temp.Combine("out", "fleet-service-registry.service")));
        Assert.Equal("mine", File.ReadAllText(user));
    }

    [Fact]
    public async Task Diff_PortsChangedAddedRemoved_PrintsEachServiceAndExitsOne()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("out");
        await CliRunner.RunAsync("deploy", "render", TwoMachine, "--ignore-environment", "--machine", "mainpc", "--out", output);
        var same = await CliRunner.RunAsync("deploy", "diff", TwoMachine, "--ignore-environment", "--machine", "mainpc", "--out", output);
        var env = temp.WriteFile("offset.env", "PORT_OFFSET=100\n");
        var moved = await CliRunner.RunAsync("deploy", "diff", TwoMachine, "--ignore-environment", "--env-file", env, "--machine", "mainpc", "--out", output);
        var other = await CliRunner.RunAsync(["deploy", "diff", .. Legacy, "--ignore-environment", "--machine", "mainpc", "--address", "127.0.0.1",
            "--default-image", "registry.example/fleet/legacy-agents:1.0", "--out", output]);

        Assert.Equal((ExitCodes.Success, "machine mainpc: no changes"), (same.ExitCode, same.Output.Trim()));
        Assert.Equal(ExitCodes.Problems, moved.ExitCode);
        Assert.Contains("~ service-registry: ports 7200, 8200 -> 7300, 8300", moved.Output, StringComparison.Ordinal);
        Assert.Contains("  file compose.yaml: changes", moved.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("nats-4222", moved.Output, StringComparison.Ordinal);
        Assert.Contains("+ observability-hub: added (ports 9000, 9100)", other.Output, StringComparison.Ordinal);
        Assert.Contains("- nats-4222: removed (ports 4222, 6222)", other.Output, StringComparison.Ordinal);
    }

    [RequiresDockerEngineFact]
    public async Task Render_WithDockerEngine_ComposeBuildsAndStarts()
    {
        using var temp = new TempDirectory();
        var result = await CliRunner.RunAsync("deploy", "render", TwoMachine, "--ignore-environment", "--machine", "mainpc", "--out", temp.Path);
        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var project = "fleet-test-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            var build = await DeployTools.RunAsync(temp.Path, "docker-compose", "-p", project, "build", "service-registry");
            Assert.True(build.ExitCode == 0, build.Error);
            var up = await DeployTools.RunAsync(temp.Path, "docker-compose", "-p", project, "up", "-d", "nats-4222");
            Assert.True(up.ExitCode == 0, up.Error);
        }
        finally
        {
            await DeployTools.RunAsync(temp.Path, "docker-compose", "-p", project, "down", "-v");
        }
    }
}
