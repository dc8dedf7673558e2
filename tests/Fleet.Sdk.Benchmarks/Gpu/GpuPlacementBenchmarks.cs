using BenchmarkDotNet.Attributes;
using Fleet.Sdk.GpuScheduling;

namespace Fleet.Sdk.Benchmarks.Gpu;

/// <summary>Placement decisions: 100 requests (random sizes, some with rules and variants) over 3 machines, each placed on what the earlier ones left.</summary>
[MemoryDiagnoser]
public class GpuPlacementBenchmarks
{
    internal static readonly (string Machine, string Gpu, long Mib)[] Machines = [("mainpc", "RTX 4090", 24576), ("pc2", "RTX 3060", 12288), ("pc3", "RTX 3090", 24576)];

    private GpuRequest[] _requests = [];
    private PlacementGpu[] _empty = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _requests = Enumerable.Range(0, 100).Select(i => new GpuRequest($"w{i}", random.Next(256, 2048), Priority: random.Next(3), Rules: i % 5 == 0 ? new GpuPlacementRules { PreferredMachine = "pc2", AvoidWorkloads = [$"w{i - 1}"] } : null)
        {
            Fallbacks = i % 3 == 0 ? [new GpuVariant("int8", 200)] : [],
        }).ToArray();
        _empty = Machines.Select(m => new PlacementGpu(new GpuDevice(new GpuId(m.Machine, 0), m.Gpu, m.Mib, 512), true, [])).ToArray();
    }

    [Benchmark(Description = "100 placements over 3 machines")]
    public int Place100()
    {
        var gpus = (PlacementGpu[])_empty.Clone();
        var placed = 0;
        foreach (var request in _requests)
        {
            var decision = GpuPlacer.Decide(gpus, request);
            if (decision.Kind == PlacementKind.Place)
            {
                var index = Array.IndexOf(gpus, decision.Gpu);
                gpus[index] = decision.Gpu! with { Entries = [.. decision.Gpu.Entries, new LedgerEntry(request.Workload, request.Workload, decision.Variant!.Name, "bench", decision.Variant.VramMib, request.Priority)] };
                placed++;
            }
        }

        return placed;
    }
}
