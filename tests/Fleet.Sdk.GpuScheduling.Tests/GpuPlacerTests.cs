namespace Fleet.Sdk.GpuScheduling.Tests;

public sealed class GpuPlacerTests
{
    private static readonly GpuDevice Mainpc = new(new GpuId("mainpc", 0), "RTX 4090", 24576, 512);
    private static readonly GpuDevice Pc2 = new(new GpuId("pc2", 0), "RTX 3060", 12288, 512);
    private static readonly GpuDevice Pc3 = new(new GpuId("pc3", 0), "RTX 3090", 24576, 512);

    private static PlacementGpu Gpu(GpuDevice device, bool live = true, params LedgerEntry[] entries) => new(device, live, entries);

    private static LedgerEntry Lease(string workload, long mib, int priority = 0) => new($"id-{workload}", workload, "default", "h", mib, priority);

    [Fact]
    public void Decide_SeveralFit_BestFitLeavesTheBigCardFree()
    {
        var decision = GpuPlacer.Decide([Gpu(Mainpc), Gpu(Pc2)], new GpuRequest("whisper", 6000));

        Assert.Equal(PlacementKind.Place, decision.Kind);
        Assert.Equal("pc2", decision.Gpu!.Device.Id.Machine);
    }

    [Fact]
    public void Decide_PreferredMachine_WinsOverBestFit()
    {
        var decision = GpuPlacer.Decide([Gpu(Mainpc), Gpu(Pc2)], new GpuRequest("whisper", 6000, Rules: new GpuPlacementRules { PreferredMachine = "mainpc" }));

        Assert.Equal("mainpc", decision.Gpu!.Device.Id.Machine);
    }

    [Fact]
    public void Decide_RequiredMachineFull_DoesNotFitNamingTheRule()
    {
        var decision = GpuPlacer.Decide([Gpu(Mainpc), Gpu(Pc2, entries: Lease("tts", 11000))], new GpuRequest("whisper", 6000, Rules: new GpuPlacementRules { RequiredMachine = "pc2", AllowPreemption = false }));

        Assert.Equal(PlacementKind.NoFit, decision.Kind);
        Assert.Contains(decision.Candidates, c => c.Machine == "mainpc" && c.Reason.Contains("not the required machine 'pc2'", StringComparison.Ordinal));
        Assert.Contains(decision.Candidates, c => c.Machine == "pc2" && c.Reason.Contains("776 free", StringComparison.Ordinal));
    }

    [Fact]
    public void Decide_AntiAffinity_AvoidsTheMachineRunningTheOtherWorkload()
    {
        var decision = GpuPlacer.Decide([Gpu(Mainpc), Gpu(Pc2, entries: Lease("llm-a", 1000))], new GpuRequest("llm-b", 6000, Rules: new GpuPlacementRules { AvoidWorkloads = ["llm-a"] }));

        Assert.Equal("mainpc", decision.Gpu!.Device.Id.Machine);
    }

    [Fact]
    public void Decide_DeadMachine_NeverChosen()
    {
        var decision = GpuPlacer.Decide([Gpu(Mainpc, live: false), Gpu(Pc2)], new GpuRequest("llm", 14336));

        Assert.Equal(PlacementKind.NoFit, decision.Kind);
        Assert.Contains(decision.Candidates, c => c.Machine == "mainpc" && c.Reason.Contains("not live", StringComparison.Ordinal));
    }

    [Fact]
    public void Decide_Variants_Fp16WhereItFitsElseInt8()
    {
        var request = new GpuRequest("llm", 14336) { Variant = "fp16", Fallbacks = [new GpuVariant("int8", 8192)] };

        var roomy = GpuPlacer.Decide([Gpu(Mainpc), Gpu(Pc2)], request);
        var tight = GpuPlacer.Decide([Gpu(Mainpc, entries: Lease("other", 12000)), Gpu(Pc2)], request);

        Assert.Equal(("fp16", "mainpc"), (roomy.Variant!.Name, roomy.Gpu!.Device.Id.Machine));
        Assert.Equal("int8", tight.Variant!.Name);
        Assert.Equal("pc2", tight.Gpu!.Device.Id.Machine);
    }

    [Fact]
    public void Decide_NoRoom_PreemptsFewestLowestPriorityLeases()
    {
        var gpus = new[]
        {
            Gpu(Mainpc, entries: [Lease("batch-a", 12000, priority: 1), Lease("batch-b", 12000, priority: 5)]),
            Gpu(Pc2, entries: [Lease("batch-c", 11000, priority: 0)]),
        };

        var decision = GpuPlacer.Decide(gpus, new GpuRequest("llm", 10000, Priority: 10));

        Assert.Equal(PlacementKind.Preempt, decision.Kind);
        Assert.Equal("pc2", decision.Gpu!.Device.Id.Machine);
        Assert.Equal("batch-c", Assert.Single(decision.Victims).Workload);
    }

    [Fact]
    public void Decide_OnlyEqualOrHigherPriorityLeases_NoPreemption()
    {
        var decision = GpuPlacer.Decide([Gpu(Pc2, entries: Lease("llm", 11000, priority: 5))], new GpuRequest("tts", 4000, Priority: 5));

        Assert.Equal(PlacementKind.NoFit, decision.Kind);
        Assert.Contains("no eligible GPU has that much free", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_EmptyInventory_SaysWhereToDeclareGpus()
    {
        var decision = GpuPlacer.Decide([], new GpuRequest("llm", 1000));

        Assert.Contains("gpus:", decision.Reason, StringComparison.Ordinal);
        Assert.Contains("Fleet:Gpu:Devices", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_HundredRequestsOverThreeMachines_NeverExceedsCapacity()
    {
        var gpus = new List<PlacementGpu> { Gpu(Mainpc), Gpu(Pc2), Gpu(Pc3) };
        var random = new Random(42);
        for (var i = 0; i < 100; i++)
        {
            var decision = GpuPlacer.Decide(gpus, new GpuRequest($"w{i}", random.Next(256, 4096), Rules: new GpuPlacementRules { AllowPreemption = false }));
            if (decision.Kind == PlacementKind.Place)
            {
                var index = gpus.IndexOf(decision.Gpu!);
                gpus[index] = decision.Gpu! with { Entries = [.. decision.Gpu.Entries, Lease($"w{i}", decision.Variant!.VramMib)] };
            }
        }

        Assert.All(gpus, g => Assert.True(g.ReservedMib <= g.Device.LeasableMib, $"{g.Device.Id}: {g.ReservedMib} > {g.Device.LeasableMib}"));
        Assert.All(gpus, g => Assert.True(g.FreeMib < 4096, $"{g.Device.Id} still had {g.FreeMib} MiB free, yet requests were refused"));
    }
}
