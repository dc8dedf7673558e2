namespace Fleet.Sdk.Discovery;

internal static class DiscoveryConstants
{
    public const string SectionName = "Fleet:Discovery";

    public static readonly TimeSpan DefaultTtl = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan DefaultResolveTimeout = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan DefaultMaxStaleness = TimeSpan.FromMinutes(5);
}
