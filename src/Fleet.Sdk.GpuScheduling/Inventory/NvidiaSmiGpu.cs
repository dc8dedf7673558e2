namespace Fleet.Sdk.GpuScheduling;

/// <summary>One GPU as nvidia-smi reports it.</summary>
internal sealed record NvidiaSmiGpu(int Index, string Uuid, string Name, long TotalMib, long UsedMib);
