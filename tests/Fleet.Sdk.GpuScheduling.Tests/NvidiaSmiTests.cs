namespace Fleet.Sdk.GpuScheduling.Tests;

public sealed class NvidiaSmiTests
{
    // Recorded on a two-GPU machine: nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.used --format=csv,noheader,nounits
    private const string TwoGpus = """
        0, GPU-5f3c1d2e-8a4b-4c6d-9e0f-1a2b3c4d5e6f, NVIDIA GeForce RTX 4090, 24564, 18211
        1, GPU-0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9, NVIDIA GeForce RTX 3060, 12288, 3
        """;

    [Fact]
    public void Parse_RecordedOutput_ReadsEveryField()
    {
        var gpus = NvidiaSmi.Parse(TwoGpus, out var skipped);

        Assert.Equal(0, skipped);
        Assert.Equal(2, gpus.Count);
        Assert.Equal(new NvidiaSmiGpu(0, "GPU-5f3c1d2e-8a4b-4c6d-9e0f-1a2b3c4d5e6f", "NVIDIA GeForce RTX 4090", 24564, 18211), gpus[0]);
        Assert.Equal(1, gpus[1].Index);
        Assert.Equal(12288, gpus[1].TotalMib);
        Assert.Equal(3, gpus[1].UsedMib);
    }

    [Fact]
    public void Parse_NotSupportedFieldsAndWarnings_SkippedAndCounted()
    {
        const string output = "0, GPU-abc, Tesla T4, 15360, [N/A]\nNVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\r\n1, GPU-def, Tesla T4, 15360, 12\r\n";

        var gpus = NvidiaSmi.Parse(output, out var skipped);

        Assert.Equal(2, skipped);
        Assert.Equal(1, Assert.Single(gpus).Index);
    }

    [Fact]
    public void Parse_NoGpu_EmptyWithoutError()
    {
        Assert.Empty(NvidiaSmi.Parse(string.Empty, out var skipped));
        Assert.Equal(0, skipped);
    }

    [Fact]
    public void Locate_Absent_ReturnsNull()
    {
        Assert.Null(NvidiaSmi.Locate($"nvidia-smi-{Guid.NewGuid():N}"));
    }
}
