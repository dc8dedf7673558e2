namespace Fleet.Sdk.GpuScheduling;

/// <summary>A GPU considered for a request.</summary>
/// <param name="Machine">The machine.</param>
/// <param name="GpuIndex">The GPU's index on the machine.</param>
/// <param name="GpuName">The GPU's model.</param>
/// <param name="FreeMib">VRAM free for new leases (capacity minus safety margin minus reserved), in MiB.</param>
/// <param name="Reason">Why it does not fit, or what it would take.</param>
public sealed record GpuCandidate(string Machine, int GpuIndex, string GpuName, long FreeMib, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"{Machine}/{GpuIndex} ({GpuName}, {FreeMib} MiB free): {Reason}";
}
