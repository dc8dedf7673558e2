using BenchmarkDotNet.Attributes;
using Fleet.Sdk.Config;

namespace Fleet.Sdk.Benchmarks.Config;

/// <summary>
/// Load + interpolate + validate (what <c>fleet config validate</c> does) on the large inputs of issue 15
/// item 8, each of which once took quadratic time, and on an 80-agent legacy fleet (budget: 100 ms).
/// Run with <c>--filter '*HostileShape*'</c>; a short job is enough to see the shape of the cost.
/// </summary>
[MemoryDiagnoser]
public class HostileShapeBenchmarks
{
    private string _directory = string.Empty;
    private string _expressions = string.Empty;
    private string _merge = string.Empty;
    private string _agents = string.Empty;
    private string _unknown = string.Empty;
    private string[] _legacy = [];

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("fleet-bench-hostile-").FullName;
        _expressions = Write("expressions.yaml", HostileShapes.ManyExpressionsInOneValue(40_000));
        _merge = Write("merge.yaml", HostileShapes.MergeOfManyKeys(60_000));
        _agents = Write("agents.yaml", HostileShapes.ManyAgents(40_000));
        _unknown = Write("unknown.yaml", HostileShapes.ManyUnknownDependencies(8_000));
        _legacy = HostileShapes.WriteLegacy80(Path.Combine(_directory, "legacy"));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark(Description = "validate: 40k ${X} in one value")]
    public int ManyExpressionsInOneValue() => Load(_expressions);

    [Benchmark(Description = "validate: << merge of 60k keys")]
    public int MergeOfManyKeys() => Load(_merge);

    [Benchmark(Description = "validate: 40k agents")]
    public int ManyAgents() => Load(_agents);

    [Benchmark(Description = "validate: 8k unknown dependencies")]
    public int ManyUnknownDependencies() => Load(_unknown);

    [Benchmark(Description = "validate: 80-agent legacy fleet (2 files)")]
    public int Legacy80() => Load(_legacy);

    private static int Load(params string[] files)
    {
        var options = new FleetTopologyLoadOptions { Environment = new DictionaryEnvironmentVariables() };
        options.AddFiles(files);
        return FleetTopologyLoader.Load(options).Diagnostics.Count;
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
