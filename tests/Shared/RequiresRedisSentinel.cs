namespace Fleet.Sdk.Tests;

/// <summary>Whether a Redis Sentinel cluster can be started here: redis-server (and redis-sentinel, or redis-server --sentinel) installed locally.</summary>
internal static class RedisSentinelAvailability
{
    public const string InstallHint =
        "redis-server / redis-sentinel are not installed: run ./eng/build.sh prereqs (or apt-get install redis-server redis-sentinel). A Sentinel cluster is always started locally; FLEET_TEST_REDIS does not replace it.";

    /// <summary>Why a test that needs a local Sentinel cluster is skipped here, or <see langword="null"/> when it can run.</summary>
    public static string? SkipReason =>
        RedisAvailability.FindExecutable(Environment.GetEnvironmentVariable("PATH"), RedisAvailability.FallbackDirectories) is null ? InstallHint : null;
}

/// <summary>A fact that starts a local Redis Sentinel cluster (master, replica, three sentinels); skipped, saying what to install, without redis-server.</summary>
internal sealed class RequiresRedisSentinelFactAttribute : FactAttribute
{
    public RequiresRedisSentinelFactAttribute()
    {
        if (RedisSentinelAvailability.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>
/// Marks a class of a per-implementation suite (<see cref="SuiteFactAttribute"/>) that runs against a local
/// Redis Sentinel cluster: its inherited tests are skipped, saying what to install, without redis-server.
/// </summary>
public sealed class RequiresRedisSentinelAttribute : RequiresAttribute
{
    public override string? SkipReason => RedisSentinelAvailability.SkipReason;
}
