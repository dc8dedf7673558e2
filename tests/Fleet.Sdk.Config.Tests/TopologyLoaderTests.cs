using static Fleet.Sdk.Config.Tests.TestSupport;

namespace Fleet.Sdk.Config.Tests;

public sealed class TopologyLoaderTests
{
    private const string MainPc = """
        global_settings:
          environment: { PYTHONPATH: /app }
          resource_limits: { cpu_percent: 80, memory_mb: 2048 }
        network:
          bridge_port: 5600
        agent_groups:
          core_services:
            ServiceRegistry:
              script_path: main_pc_code/agents/service_registry_agent.py
              port: ${PORT_OFFSET}+7200
              health_check_port: ${PORT_OFFSET}+8200
              required: true
              dependencies: []
              config: { backend: memory }
              restart_policy: always
          gpu_infrastructure:
            ModelManagerSuite:
              port: 7211
              gpu_required: true
              vram_mb: 12000
              memory_mb: 4096
              dependencies: [ServiceRegistry]
        """;

    private const string Pc2 = """
        pc2_services:
          - name: MemoryOrchestratorService
            host: 127.0.0.1
            port: ${PORT_OFFSET}+7140
            health_check_port: ${PORT_OFFSET}+8140
            required: true
            dependencies: []
            env: { REDIS_DB: "2" }
        """;

    [Fact]
    public void Load_LegacyMainPc_ConvertedWithUnknownKeysKept()
    {
        using var temp = new TempDirectory();
        var result = Load(temp.WriteFile("startup_config.yaml", MainPc), ("PORT_OFFSET", "100"));

        Assert.Empty(result.Diagnostics);
        var machine = Assert.Single(result.Topology.Machines);
        Assert.Equal("mainpc", machine.Name);
        Assert.Equal(new FleetResources(2048, 80), machine.Limits);
        Assert.Equal(["environment", "network"], machine.Settings.Entries.Select(e => e.Key));

        var registry = result.Topology.Agents[0];
        Assert.Equal(("ServiceRegistry", "mainpc", "core_services", 7300, 8300, true), (registry.Name, registry.Machine, registry.Group, registry.Port!.Value, registry.HealthPort!.Value, registry.Required));
        Assert.Equal("memory", ((FleetScalar)registry.Settings["backend"]!).Value);
        Assert.Equal(["script_path", "restart_policy"], registry.Extra.Entries.Select(e => e.Key));
        Assert.Equal(new SourceLocation(registry.Location.Source, 10, 13), registry.PortLocation);

        var manager = result.Topology.Agents[1];
        Assert.Equal(new FleetGpuRequirement(true, 12000) { Location = manager.Gpu!.Location }, manager.Gpu);
        Assert.Equal(4096, manager.Resources.MemoryMib);
        Assert.Equal("ServiceRegistry", Assert.Single(manager.Dependencies).Agent);
    }

    [Fact]
    public void Load_LegacyPc2_MachineInferredOrOverridden()
    {
        using var temp = new TempDirectory();
        var path = temp.WriteFile("startup_config.yaml", Pc2);

        var inferred = Load(path, ("PORT_OFFSET", "0"));
        var options = new FleetTopologyLoadOptions { Environment = Env(("PORT_OFFSET", "0")) };
        options.Sources.Add(new FleetTopologySource(path) { Machine = "pc3" });
        var overridden = FleetTopologyLoader.Load(options);

        Assert.Equal("pc2", inferred.Topology.Agents[0].Machine);
        Assert.Equal("127.0.0.1", inferred.Topology.Agents[0].Host);
        Assert.Equal(["env"], inferred.Topology.Agents[0].Extra.Entries.Select(e => e.Key));
        Assert.Equal("pc3", overridden.Topology.Agents[0].Machine);
        Assert.Equal("pc3", Assert.Single(overridden.Topology.Machines).Name);
    }

    [Fact]
    public void Load_LegacyMachineKeyInFile_UsedAsMachine()
    {
        using var temp = new TempDirectory();
        var result = Load(temp.WriteFile("startup_config.yaml", "machine: pc3\n" + Pc2), ("PORT_OFFSET", "0"));

        Assert.Equal("pc3", result.Topology.Agents[0].Machine);
    }

    [Fact]
    public void Load_BothLegacyFiles_OneFleetWithCrossFileDependencies()
    {
        using var temp = new TempDirectory();
        var main = temp.WriteFile("main/startup_config.yaml", MainPc);
        var pc2 = temp.WriteFile("pc2/startup_config.yaml", Pc2.Replace("dependencies: []", "dependencies: [{ agent: ServiceRegistry, timeout_seconds: 5 }]", StringComparison.Ordinal));

        var result = LoadFiles([main, pc2], ("PORT_OFFSET", "0"));

        Assert.Empty(result.Diagnostics);
        Assert.Equal(["mainpc", "pc2"], result.Topology.Machines.Select(m => m.Name));
        Assert.Equal(3, result.Topology.Agents.Count);
    }

    [Fact]
    public void Load_LegacyDuplicateAcrossGroupsAndDeprecatedFlag_Reported()
    {
        using var temp = new TempDirectory();
        var result = Load(temp.WriteFile("startup_config.yaml", """
            agent_groups:
              a:
                Hub: { port: 9000 }
                RequestCoordinator: { port: 26002, deprecated: true, replaced_by: Hub }
              b:
                Hub: { port: 9001 }
                User: { dependencies: [RequestCoordinator] }
            """));

        var duplicate = Single(result, FleetRules.DuplicateAgent);
        Assert.Contains("in group a on mainpc", duplicate.Message, StringComparison.Ordinal);
        Assert.Contains("in group b on mainpc", duplicate.Message, StringComparison.Ordinal);
        Assert.Contains("port 9000 vs 9001", duplicate.Message, StringComparison.Ordinal);
        Assert.Equal("Hub", Single(result, FleetRules.DeprecatedDependency).Agents[1] == "RequestCoordinator" ? "Hub" : null);
        Single(result, FleetRules.DeprecatedAgentDefined);
    }

    [Fact]
    public void Load_VariantsOfOneMachine_DriftReportedFirstUsed()
    {
        using var temp = new TempDirectory();
        var first = temp.WriteFile("startup_config.yaml", "agent_groups:\n  g:\n    A: { port: 1000 }\n    B: { port: 1001 }\n");
        var second = temp.WriteFile("startup_config_docker.yaml", "agent_groups:\n  g:\n    A: { port: 1005 }\n    C: { port: 1002 }\n");

        var result = LoadFiles([first, second]);

        var drift = result.Diagnostics.Where(d => d.Rule == FleetRules.Drift).Select(d => d.Message).ToList();
        Assert.Equal(3, drift.Count);
        Assert.Contains(drift, m => m.Contains("agent A differs between startup_config.yaml and startup_config_docker.yaml: port 1000 vs 1005", StringComparison.Ordinal));
        Assert.Contains(drift, m => m.Contains("agent B is in startup_config.yaml but missing from startup_config_docker.yaml", StringComparison.Ordinal));
        Assert.Contains(drift, m => m.Contains("agent C is in startup_config_docker.yaml but missing from startup_config.yaml", StringComparison.Ordinal));
        Assert.Equal(["A", "B"], result.Topology.Agents.Select(a => a.Name));
        Assert.Equal(1000, result.Topology.Agents[0].Port);
    }

    [Fact]
    public void Load_Overrides_AppliedToOwnMachineOnly()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("overrides/mainpc.yaml", """
            machines:
              mainpc: { host: 10.1.1.1, gpus: [{ name: RTX 4090, vram_mib: 24576 }] }
              pc2: { host: 10.1.1.2 }
            agents:
              A: { port: 7300 }
              B: { port: 7400 }
              New: { port: 7500 }
            settings: { Logging: { Level: Debug } }
            """);
        var path = temp.WriteFile("fleet.yaml", Header + "  A: { machine: mainpc, port: 7200 }\n  B: { machine: pc2, port: 7201 }\nsettings: { Logging: { Level: Information } }\n");

        var fleet = Load(path);
        var options = new FleetTopologyLoadOptions { Environment = Env(), Machine = "mainpc" };
        options.AddFiles(path);
        var machineView = FleetTopologyLoader.Load(options);

        Assert.Equal(7300, fleet.Topology.Agents[0].Port);
        Assert.Equal(7201, fleet.Topology.Agents[1].Port);
        Assert.Equal("mainpc", fleet.Topology.Agents[2].Machine);
        fleet.Topology.TryGetMachine("mainpc", out var mainpc);
        Assert.Equal(("10.1.1.1", 24576L), (mainpc!.Host, mainpc.TotalVramMib));
        Assert.Equal(2, fleet.Diagnostics.Count(d => d.Rule == FleetRules.OverrideOutsideMachine));
        Assert.Equal("Information", ((FleetScalar)((FleetMapping)fleet.Topology.Settings["Logging"]!)["Level"]!).Value);
        Assert.Equal("Debug", ((FleetScalar)((FleetMapping)machineView.Topology.Settings["Logging"]!)["Level"]!).Value);
    }

    [Fact]
    public void Load_VariablePrecedence_EnvironmentThenEnvFilesThenTopology()
    {
        using var temp = new TempDirectory();
        temp.WriteFile(".env", "A=dotenv\nB=dotenv\n");
        var explicitEnv = temp.WriteFile("explicit.env", "B=explicit\nC=explicit\n");
        var path = temp.WriteFile("fleet.yaml", """
            version: 1
            variables: { A: topology, B: topology, C: topology, D: topology }
            machines: { m: {} }
            agents:
              X: { settings: { a: "${A}", b: "${B}", c: "${C}", d: "${D}", e: "${E}" } }
            """);
        var options = new FleetTopologyLoadOptions { Environment = Env(("E", "environment"), ("A", "environment")) };
        options.AddFiles(path);
        options.EnvFiles.Add(explicitEnv);

        var settings = FleetTopologyLoader.Load(options).Topology.Agents[0].Settings;

        Assert.Equal(["environment", "explicit", "explicit", "topology", "environment"], settings.Entries.Select(e => ((FleetScalar)e.Value).Value));
    }

    [Fact]
    public void Load_ManyBrokenFiles_EveryLoadErrorAtOnceNothingLoaded()
    {
        using var temp = new TempDirectory();
        var malformed = temp.WriteFile("a.yaml", "agent_groups:\n  g:\n    A: { port: 1\n");
        var unknown = temp.WriteFile("b.yaml", "services: {}\n");
        var wrongType = temp.WriteFile("c.yaml", Header + "  A: { machine: mainpc, port: [1, 2], required: maybe }\n");
        var missing = temp.Combine("missing.yaml");
        var empty = temp.WriteFile("empty.json", "  ");

        var ex = Assert.Throws<FleetConfigurationException>(() => LoadFiles([malformed, unknown, wrongType, missing, empty]));

        Assert.Contains("nothing was loaded", ex.Message, StringComparison.Ordinal);
        Assert.Equal([malformed, unknown, missing, empty], ex.Errors.Select(e => e.Location.Source).Distinct());
        Assert.All(ex.Errors.Where(e => e.Location.Source != missing), e => Assert.True(e.Location.Line > 0));

        var types = Assert.Throws<FleetConfigurationException>(() => Load(wrongType));
        Assert.Equal(["'agents.A.port' must be a port number (a whole number), but is a list.", "'agents.A.required' must be true or false, but is 'maybe'."], types.Errors.Select(e => e.Message));
    }

    [Theory]
    [InlineData("services: {}\n", "unknown schema (found top-level keys 'services')")]
    [InlineData("machines: {}\nagents: {}\n", "add 'version: 1' at the top")]
    [InlineData("version: 2\n", "unknown schema version 2")]
    [InlineData("version: one\n", "'version' must be the schema version number")]
    [InlineData("version: 1\nagnets: {}\n", "unknown top-level key 'agnets' (did you mean 'agents'?)")]
    [InlineData("agent_groups: {}\npc2_services: []\n", "split it in two")]
    [InlineData("pc2_services:\n  - port: 1\n", "has no 'name'")]
    [InlineData("- a\n- b\n", "the top level is a list, not a mapping")]
    [InlineData("version: 1\nmachines: { a: {}, b: {} }\nagents: { X: { port: 1 } }\n", "agent X does not say which machine it runs on")]
    [InlineData("version: 1\nmachines: { a: { hots: x } }\n", "unknown key 'hots' in 'machines.a' (did you mean 'host'?)")]
    [InlineData("version: 1\nsettings: { a: 1, a: 2 }\n", "duplicate key 'a' in 'settings'")]
    public void Load_BadSchema_PreciseError(string yaml, string expected)
    {
        using var temp = new TempDirectory();

        var ex = LoadFails(temp, "bad.yaml", yaml);

        Assert.Contains(expected, Assert.Single(ex.Errors).Message, StringComparison.Ordinal);
        Assert.Equal("bad.yaml", Path.GetFileName(ex.Errors[0].Location.Source));
    }

    [Fact]
    public void Load_OverrideDeclaresVariables_LoadError()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("overrides/mainpc.yaml", "variables: { A: 1 }\n");

        var ex = Assert.Throws<FleetConfigurationException>(() => Load(temp, Header + "  A: { machine: mainpc }\n"));

        Assert.Contains("cannot be set in a machine override", Assert.Single(ex.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnreadableFile_CannotBeReadError()
    {
        using var temp = new TempDirectory();
        var path = temp.WriteFile("fleet.yaml", "version: 1\n");
        if (OperatingSystem.IsLinux() && Environment.UserName != "root")
        {
            File.SetUnixFileMode(path, UnixFileMode.None);
        }
        else
        {
            // Root reads any file whatever its mode, but not a write-only sysfs attribute (EACCES). (/proc files
            // report no size, so they are refused as "not a regular file" before they are opened.)
            path = "/sys/bus/pci/rescan";
        }

        var ex = Assert.Throws<FleetConfigurationException>(() => Load(path));

        Assert.Contains("cannot be read", Assert.Single(ex.Errors).Message, StringComparison.Ordinal);
        Assert.Contains("permissions", ex.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoSources_ErrorNamesWhatToDo()
    {
        var ex = Assert.Throws<FleetConfigurationException>(() => FleetTopologyLoader.Load(new FleetTopologyLoadOptions()));

        Assert.Contains("FLEET_CONFIG_DIR", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ThrowIfErrors_ErrorsPresent_ListsEveryError()
    {
        using var temp = new TempDirectory();
        var result = Load(temp, Header + "  A: { machine: mainpc, port: \"${P1}\", dependencies: [Nope] }\n");

        var ex = Assert.Throws<FleetConfigurationException>(result.ThrowIfErrors);

        Assert.Equal(["FLEET001", "FLEET011"], ex.Diagnostics.Select(d => d.Id).Order());
        Assert.Contains("The fleet configuration is invalid (2 errors)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindTopologyFile_PrefersUnifiedOverLegacy()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("startup_config.yaml", "agent_groups: {}\n");
        Assert.EndsWith("startup_config.yaml", FleetTopologyLoader.FindTopologyFile(temp.Path), StringComparison.Ordinal);

        temp.WriteFile("fleet.yaml", "version: 1\n");
        Assert.EndsWith("fleet.yaml", FleetTopologyLoader.FindTopologyFile(temp.Path), StringComparison.Ordinal);
    }
}
