namespace Fleet.Sdk.Testing;

/// <summary>Defaults of <see cref="RedisServer"/>.</summary>
internal static class RedisServerConstants
{
    public const string DefaultBindAddress = "127.0.0.1";
    public const string ExternalServerVariable = "FLEET_TEST_REDIS";
    public static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);
    public static readonly string[] SearchDirectories = ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"];
}
