namespace Fleet.Sdk.Config.Tests;

/// <summary>Loads topologies written for one test, with an environment of the test's own (never the process's).</summary>
internal static class TestSupport
{
    public static DictionaryEnvironmentVariables Env(params (string Name, string Value)[] values) =>
        new(values.Select(v => new KeyValuePair<string, string>(v.Name, v.Value)));

    public static FleetTopologyLoadResult Load(TempDirectory temp, string yaml, params (string Name, string Value)[] environment) =>
        Load(temp.WriteFile("fleet.yaml", yaml), environment);

    public static FleetTopologyLoadResult Load(string path, params (string Name, string Value)[] environment)
    {
        var options = new FleetTopologyLoadOptions { Environment = Env(environment) };
        options.AddFiles(path);
        return FleetTopologyLoader.Load(options);
    }

    public static FleetTopologyLoadResult LoadFiles(IEnumerable<string> paths, params (string Name, string Value)[] environment)
    {
        var options = new FleetTopologyLoadOptions { Environment = Env(environment) };
        options.AddFiles([.. paths]);
        return FleetTopologyLoader.Load(options);
    }

    public static FleetConfigurationException LoadFails(TempDirectory temp, string fileName, string content)
    {
        var path = temp.WriteFile(fileName, content);
        return Assert.Throws<FleetConfigurationException>(() => Load(path));
    }

    public static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Fixtures", "config", .. parts]);

    public static IReadOnlyList<string> Ids(FleetTopologyLoadResult result) => result.Diagnostics.Select(d => d.Id).ToList();

    public static FleetDiagnostic Single(FleetTopologyLoadResult result, FleetRule rule)
    {
        var matches = result.Diagnostics.Where(d => d.Rule == rule).ToList();
        Assert.True(matches.Count == 1, $"expected one {rule.Id}, got {matches.Count}:\n{string.Join("\n", result.Diagnostics)}");
        return matches[0];
    }

    /// <summary>A two-machine unified topology to build test cases on.</summary>
    public const string Header = """
        version: 1
        machines:
          mainpc: {}
          pc2: {}
        agents:

        """;
}
