using BenchmarkDotNet.Attributes;
using Fleet.Sdk.Config;
using Fleet.Sdk.PathManager;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Sdk.Benchmarks.PathManager;

/// <summary>What an agent pays for its paths: once at start-up, then on every lookup.</summary>
[MemoryDiagnoser]
public class PathsBenchmarks
{
    private string _root = string.Empty;
    private ServiceProvider _provider = null!;
    private IFleetPaths _paths = null!;
    private IConfiguration _configuration = null!;
    private DictionaryEnvironmentVariables _environment = null!;

    [GlobalSetup]
    public void Setup()
    {
        _root = Directory.CreateTempSubdirectory("fleet-bench-").FullName;
        _configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Fleet:Paths:Models"] = "/srv/models" })
            .Build();
        _environment = new DictionaryEnvironmentVariables([new("LOGS_DIR", Path.Combine(_root, "logs"))]);
        _provider = Build();
        _paths = _provider.GetRequiredService<IFleetPaths>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Description = "property (paths.Models)")]
    public string Property() => _paths.Models;

    [Benchmark(Description = "indexer (paths[\"models\"])")]
    public string Indexer() => _paths["models"];

    [Benchmark(Description = "Combine(models, a/b.gguf)")]
    public string Combine() => _paths.Combine("models", "llama/weights.gguf");

    [Benchmark(Description = "start-up: resolve + check 8 locations")]
    public int ResolveAtStartup()
    {
        using var provider = Build();
        return provider.GetRequiredService<IFleetPaths>().Locations.Count;
    }

    private ServiceProvider Build()
    {
        var services = new ServiceCollection();
        services.AddSingleton(_configuration);
        services.AddSingleton<IEnvironmentVariables>(_environment);
        services.AddFleetPaths(o => o.Root = _root);
        return services.BuildServiceProvider();
    }
}
