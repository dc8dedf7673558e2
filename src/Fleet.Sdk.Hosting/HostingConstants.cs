namespace Fleet.Sdk.Hosting;

internal static class HostingConstants
{
    public const string SectionName = "Fleet:Hosting";

    public const string DefaultAdminTokenSecret = "admin-token";

    public static readonly TimeSpan DefaultDependencyTimeout = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan DefaultDependencyCheckInterval = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public static readonly string[] DefaultMeters = ["Fleet.", "System.Runtime"];
}
