namespace Fleet.Sdk.Messaging;

/// <summary>The bridge's default timings.</summary>
internal static class BridgeDefaults
{
    public static readonly TimeSpan BeaconInterval = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(600);
}
