using Fleet.Sdk.Config;

namespace Fleet.Sdk.GpuScheduling.Tests;

public sealed class GpuInventoryTests
{
    private static readonly FleetTopology Topology = new(
        [
            new FleetMachine { Name = "mainpc", Gpus = [new FleetGpu("RTX 4090", 24576)], HasGpuInventory = true },
            new FleetMachine { Name = "pc2", Gpus = [new FleetGpu("RTX 3060", 12288), new FleetGpu("GTX 1080", 8192)], HasGpuInventory = true },
            new FleetMachine { Name = "nas" },
        ],
        []);

    [Fact]
    public void Build_Topology_OneDevicePerGpuInDeviceOrder()
    {
        var devices = GpuInventory.Build(Topology, new GpuSchedulingOptions());

        Assert.Equal(["mainpc/0", "pc2/0", "pc2/1"], devices.Select(d => d.Id.ToString()));
        Assert.Equal(("GTX 1080", 8192L, 512L, 7680L), (devices[2].Name, devices[2].CapacityMib, devices[2].SafetyMarginMib, devices[2].LeasableMib));
    }

    [Fact]
    public void Build_ConfiguredDevicesForAMachine_ReplaceTheTopologys()
    {
        var options = new GpuSchedulingOptions();
        options.Devices.Add(new GpuDeviceOptions { Machine = "pc2", Name = "RTX 3090", VramMib = 24576 });
        options.Devices.Add(new GpuDeviceOptions { Machine = "pc3", Name = "A4000", VramMib = 16384 });

        var devices = GpuInventory.Build(Topology, options);

        Assert.Equal(["mainpc/0 RTX 4090", "pc2/0 RTX 3090", "pc3/0 A4000"], devices.Select(d => $"{d.Id} {d.Name}"));
    }

    [Fact]
    public void MarginFor_GpuOverMachineOverDefault()
    {
        var options = new GpuSchedulingOptions { SafetyMarginMib = 256 };
        options.SafetyMargins["pc2"] = 1024;
        options.SafetyMargins["pc2/1"] = 2048;

        var devices = GpuInventory.Build(Topology, options);

        Assert.Equal([256L, 1024L, 2048L], devices.Select(d => d.SafetyMarginMib));
    }

    [Fact]
    public void FencingToken_RoundTripsThroughText()
    {
        var token = new GpuFencingToken("mainpc", 0, "3f2a", 17);

        Assert.True(GpuFencingToken.TryParse(token.ToString(), out var parsed));
        Assert.Equal(token, parsed);
        Assert.False(GpuFencingToken.TryParse("mainpc/0/3f2a", out _));
        Assert.False(GpuFencingToken.TryParse("mainpc/x/3f2a/17", out _));
    }
}
