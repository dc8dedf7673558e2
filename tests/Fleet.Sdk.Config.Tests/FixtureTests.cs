using static Fleet.Sdk.Config.Tests.TestSupport;

namespace Fleet.Sdk.Config.Tests;

/// <summary>The realistic legacy fixtures: every LEGACY.md problem is found with its agents and ports; clean files report nothing.</summary>
public sealed class FixtureTests
{
    private static readonly string[] Broken =
    [
        Fixture("legacy-broken", "main_pc_code", "config", "startup_config.yaml"),
        Fixture("legacy-broken", "main_pc_code", "config", "startup_config_docker.yaml"),
        Fixture("legacy-broken", "pc2_code", "config", "startup_config.yaml"),
    ];

    [Fact]
    public void BrokenLegacyFixtures_EveryProblemOfLegacyMdFound()
    {
        var result = LoadFiles(Broken);

        var ids = Ids(result).ToHashSet();
        string[] expected = ["FLEET001", "FLEET006", "FLEET010", "FLEET011", "FLEET012", "FLEET013", "FLEET014", "FLEET016", "FLEET020", "FLEET022", "FLEET030", "FLEET031", "FLEET032", "FLEET050"];
        Assert.All(expected, id => Assert.Contains(id, ids));

        var offset = result.Diagnostics.Single(d => d.Id == "FLEET001" && d.Message.Contains("PORT_OFFSET", StringComparison.Ordinal));
        Assert.Equal(20, offset.Related.Count);
        Assert.Contains("ServiceRegistry", offset.Agents);
        Assert.Contains("MemoryOrchestratorService", offset.Agents);

        var cycle = Assert.Single(result.Diagnostics, d => d.Id == "FLEET012");
        Assert.Equal("dependency cycle: MemoryClient -> SessionMemoryAgent -> KnowledgeBase -> MemoryClient", cycle.Message);

        var ports = result.Diagnostics.Where(d => d.Id == "FLEET020").ToList();
        Assert.Contains(ports, d => d.Ports.SequenceEqual([6580]) && d.Agents.SequenceEqual(["StreamingSpeechRecognition", "StreamingTTSAgent", "FaceRecognitionAgent"]));
        Assert.Contains(ports, d => d.Ports.SequenceEqual([7118]) && d.Machine == "pc2");

        var deprecated = result.Diagnostics.Where(d => d.Id == "FLEET013").SelectMany(d => d.Agents).ToList();
        Assert.Contains("DreamWorldAgent", deprecated);
        Assert.Contains("VRAMOptimizerAgent", deprecated);

        var duplicates = result.Diagnostics.Where(d => d.Id == "FLEET010").Select(d => d.Agents[0]).ToList();
        Assert.Contains("ObservabilityHub", duplicates);
        Assert.Contains("CacheManager", duplicates);

        Assert.Contains(result.Diagnostics, d => d.Id == "FLEET032" && d.Agents.SequenceEqual(["ResourceManager", "ServiceRegistry"]));
        Assert.Contains(result.Diagnostics, d => d.Id == "FLEET050" && d.Message.Contains("port 5713 vs 5714", StringComparison.Ordinal));
        Assert.All(result.Diagnostics, d => Assert.True(d.Location.Line > 0, $"{d.Id} has no line: {d}"));
    }

    [Fact]
    public void CleanLegacyFixtures_NoFindings()
    {
        var result = LoadFiles(
        [
            Fixture("legacy-clean", "main_pc_code", "config", "startup_config.yaml"),
            Fixture("legacy-clean", "pc2_code", "config", "startup_config.yaml"),
        ]);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(18, result.Topology.Agents.Count);
        Assert.Equal(7200, result.Topology.Agents[0].Port);
    }

    [Fact]
    public void CleanUnifiedFixture_NoFindingsOverridesApplied()
    {
        var result = Load(Fixture("unified-clean", "fleet.yaml"));

        Assert.Empty(result.Diagnostics);
        Assert.True(result.Topology.TryGetMachine("pc2", out var pc2));
        Assert.Equal(("127.0.0.2", 12288L, 4096), (pc2.Host, pc2.TotalVramMib, pc2.Limits.MemoryMib!.Value));
        Assert.Equal(["topology", "override", "override"], result.Files.Select(f => f.Role));
    }
}
