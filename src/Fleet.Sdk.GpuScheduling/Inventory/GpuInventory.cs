using Fleet.Sdk.Config;

namespace Fleet.Sdk.GpuScheduling;

/// <summary>Builds the inventory: the topology's <c>gpus:</c> per machine, replaced per machine by <c>Fleet:Gpu:Devices</c>.</summary>
internal static class GpuInventory
{
    public static IReadOnlyList<GpuDevice> Build(FleetTopology topology, GpuSchedulingOptions options)
    {
        var configured = options.Devices.GroupBy(d => d.Machine, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.OrdinalIgnoreCase);
        var devices = new List<GpuDevice>();
        foreach (var machine in topology.Machines.Where(m => !configured.ContainsKey(m.Name)))
        {
            devices.AddRange(machine.Gpus.Select((g, i) => Device(machine.Name, i, g.Name, g.VramMib, options)));
        }

        foreach (var (machine, list) in configured)
        {
            devices.AddRange(list.Select((g, i) => Device(machine, i, g.Name, g.VramMib, options)));
        }

        return devices;
    }

    public static long MarginFor(GpuId gpu, GpuSchedulingOptions options) =>
        options.SafetyMargins.TryGetValue(gpu.ToString(), out var specific) ? specific
        : options.SafetyMargins.TryGetValue(gpu.Machine, out var machine) ? machine
        : options.SafetyMarginMib;

    private static GpuDevice Device(string machine, int index, string name, long vramMib, GpuSchedulingOptions options)
    {
        var id = new GpuId(machine, index);
        return new GpuDevice(id, name, vramMib, MarginFor(id, options));
    }
}
