using static Fleet.Sdk.Config.Tests.TestSupport;

namespace Fleet.Sdk.Config.Tests;

public sealed class MigrationTests
{
    private static FleetTopologyLoadOptions CleanLegacy()
    {
        var options = new FleetTopologyLoadOptions { Environment = Env() };
        options.AddFiles(
            Fixture("legacy-clean", "main_pc_code", "config", "startup_config.yaml"),
            Fixture("legacy-clean", "pc2_code", "config", "startup_config.yaml"));
        return options;
    }

    [Fact]
    public void Migrate_CleanLegacy_OutputValidatesCleanAndResolvesToSameAgents()
    {
        using var temp = new TempDirectory();
        var migration = FleetTopologyMigrator.Migrate(CleanLegacy());

        var written = migration.WriteTo(temp.Path, overwrite: false);
        var migrated = Load(Path.Combine(temp.Path, "fleet.yaml"));

        Assert.Equal(["fleet.yaml", "overrides/mainpc.yaml", "overrides/pc2.yaml", ".env"], written.Select(p => Path.GetRelativePath(temp.Path, p)));
        Assert.Empty(migrated.Diagnostics);
        Assert.Empty(FleetTopologyMigrator.Compare(migration.Input.Topology, migrated.Topology));
        Assert.Equal(migration.Input.Topology.Agents.Select(a => (a.Name, a.Machine, a.Port, a.HealthPort)), migrated.Topology.Agents.Select(a => (a.Name, a.Machine, a.Port, a.HealthPort)));
        Assert.Equal(["script_path"], migrated.Topology.Agents[0].Extra.Entries.Select(e => e.Key));
        Assert.True(migrated.Topology.TryGetMachine("mainpc", out var mainpc));
        Assert.Equal(80, mainpc.Limits.CpuPercent);
        Assert.Contains("port: ${PORT_OFFSET}+7200", File.ReadAllText(written[0]), StringComparison.Ordinal);
    }

    [Fact]
    public void Migrate_Defines_DeclaredAsVariables()
    {
        var options = CleanLegacy();
        options.LoadDotEnv = false;

        var migration = FleetTopologyMigrator.Migrate(options, new Dictionary<string, string> { ["PORT_OFFSET"] = "0" });

        Assert.Contains("variables:\n  PORT_OFFSET: 0\n", migration.Files[0].Content, StringComparison.Ordinal);
        Assert.DoesNotContain(migration.Files, f => f.RelativePath == ".env");
    }

    [Fact]
    public void Migrate_DuplicatesAndDrift_RefusedListingThem()
    {
        var options = new FleetTopologyLoadOptions { Environment = Env() };
        options.AddFiles(
            Fixture("legacy-broken", "main_pc_code", "config", "startup_config.yaml"),
            Fixture("legacy-broken", "main_pc_code", "config", "startup_config_docker.yaml"));

        var ex = Assert.Throws<FleetConfigurationException>(() => FleetTopologyMigrator.Migrate(options));

        Assert.StartsWith("Cannot migrate:", ex.Message, StringComparison.Ordinal);
        Assert.Contains(ex.Diagnostics, d => d.Id == "FLEET010");
        Assert.Contains(ex.Diagnostics, d => d.Id == "FLEET050");
    }

    [Fact]
    public void WriteTo_ExistingFiles_RefusedWithoutOverwrite()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("fleet.yaml", "keep me");
        var migration = FleetTopologyMigrator.Migrate(CleanLegacy());

        var ex = Assert.Throws<IOException>(() => migration.WriteTo(temp.Path, overwrite: false));

        Assert.Contains("--force", ex.Message, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(temp.Combine("fleet.yaml")));
    }
}
