namespace Fleet.Sdk.GpuScheduling;

/// <summary>One way to run a workload and the VRAM it needs.</summary>
/// <param name="Name">The variant, for example <c>int8</c>.</param>
/// <param name="VramMib">The VRAM it needs, in MiB.</param>
public sealed record GpuVariant(string Name, long VramMib);
