namespace Fleet.Sdk.Logging;

internal static class LoggingConstants
{
    public const string SectionName = "Fleet:Logging";

    public const string SerilogSectionName = "Serilog";

    public const string MeterName = "Fleet.Sdk.Logging";

    public const int DefaultMaxFieldLength = 32 * 1024;

    public const long DefaultFileSizeLimitBytes = 10L * 1024 * 1024;

    public const int DefaultRetainedFileCount = 10;

    public const long DefaultTotalSizeLimitBytes = 100L * 1024 * 1024;

    public const int DefaultQueueCapacity = 10_000;

    public const string Mask = "***";

    public static readonly TimeSpan DefaultFlushInterval = TimeSpan.FromSeconds(1);
}
