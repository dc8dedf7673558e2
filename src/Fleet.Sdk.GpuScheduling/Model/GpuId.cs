namespace Fleet.Sdk.GpuScheduling;

/// <summary>A GPU's identity: machine and device index.</summary>
internal readonly record struct GpuId(string Machine, int Index)
{
    public override string ToString() => $"{Machine}/{Index}";
}
