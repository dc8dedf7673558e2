using BenchmarkDotNet.Attributes;
using Fleet.Sdk.Config;

namespace Fleet.Sdk.Benchmarks.Config;

/// <summary>What loading the fleet topology costs: a 200-agent, 3-machine unified topology with overrides and a .env.</summary>
[MemoryDiagnoser]
public class ConfigBenchmarks
{
    private string _directory = string.Empty;
    private string _topology = string.Empty;
    private FleetTopology _model = FleetTopology.Empty;
    private FleetInterpolator _interpolator = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("fleet-bench-config-").FullName;
        _topology = TopologyGenerator.Write(_directory);
        _model = Load().Topology;
        _interpolator = new FleetInterpolator(new DictionaryEnvironmentVariables([new("PORT_OFFSET", "100")]));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark(Description = "load + interpolate + validate (200 agents, 3 machines, files)")]
    public int LoadInterpolateValidate() => Load().Diagnostics.Count;

    [Benchmark(Description = "validate the model only")]
    public int ValidateOnly() => FleetTopologyValidator.Validate(_model).Count;

    [Benchmark(Description = "interpolate ${PORT_OFFSET}+7200")]
    public string? InterpolateArithmetic() => _interpolator.Interpolate("${PORT_OFFSET}+7200").Value;

    internal FleetTopologyLoadResult Load()
    {
        var options = new FleetTopologyLoadOptions { Environment = new DictionaryEnvironmentVariables() };
        options.AddFiles(_topology);
        return FleetTopologyLoader.Load(options);
    }
}
