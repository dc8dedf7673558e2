namespace Fleet.Sdk.GpuScheduling;

/// <summary>A GPU given in configuration (<c>Fleet:Gpu:Devices:N</c>).</summary>
public sealed class GpuDeviceOptions
{
    /// <summary>Gets or sets the machine.</summary>
    public string Machine { get; set; } = string.Empty;

    /// <summary>Gets or sets the GPU's model, for example <c>RTX 3060</c>.</summary>
    public string Name { get; set; } = "GPU";

    /// <summary>Gets or sets its VRAM, in MiB.</summary>
    public long VramMib { get; set; }
}
