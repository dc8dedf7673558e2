namespace Fleet.Sdk.GpuScheduling;

internal static class GpuSchedulingConstants
{
    public const string SectionName = "Fleet:Gpu";

    public const string DefaultLivenessService = "FleetGpu";

    public const long DefaultSafetyMarginMib = 512;

    public static readonly TimeSpan DefaultLeaseTtl = TimeSpan.FromSeconds(15);

    public static readonly TimeSpan DefaultPreemptionGrace = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan DefaultRetryInterval = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan DefaultUsageInterval = TimeSpan.FromSeconds(10);
}
