using BenchmarkDotNet.Attributes;
using Fleet.Sdk.Discovery;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Benchmarks.Discovery;

/// <summary>The cost of a resolution served from the cache, and of picking an endpoint (aim: under 1 us, no allocation).</summary>
[MemoryDiagnoser]
public class ResolveBenchmarks
{
    private ServiceResolver _resolver = null!;
    private ServiceResolution _resolution = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        var provider = new InMemoryDiscoveryProvider();
        for (var i = 0; i < 3; i++)
        {
            await provider.RegisterAsync(
                new ServiceInstance
                {
                    ServiceName = "ModelManagerSuite",
                    InstanceId = $"i{i}",
                    Machine = i == 0 ? "mainpc" : "pc2",
                    Endpoints = new Dictionary<string, string> { ["rpc"] = $"tcp://10.0.0.{i}:7200" },
                },
                $"owner{i}",
                TimeSpan.FromHours(1));
        }

        _resolver = new ServiceResolver(provider, new FleetDiscoveryOptions(), "mainpc", new DiscoveryMetrics(null), TimeProvider.System, NullLogger.Instance);
        _resolution = await _resolver.ResolveAsync("ModelManagerSuite");
    }

    [GlobalCleanup]
    public void Cleanup() => _resolver.Dispose();

    [Benchmark(Description = "ResolveAsync (cached)")]
    public ServiceResolution ResolveCached()
    {
        var pending = _resolver.ResolveAsync("ModelManagerSuite");
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Description = "ResolveAsync + SelectEndpoint(rpc)")]
    public string ResolveAndSelect()
    {
        var pending = _resolver.ResolveAsync("ModelManagerSuite");
        var resolution = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
        return resolution.SelectEndpoint("rpc");
    }

    [Benchmark(Description = "Select (round robin)")]
    public ServiceInstance SelectRoundRobin() => _resolution.Select(EndpointSelection.RoundRobin);
}
