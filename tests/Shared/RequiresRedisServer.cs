namespace Fleet.Sdk.Tests;

/// <summary>Whether a Redis server can be had: the redis-server binary, or FLEET_TEST_REDIS=host:port.</summary>
internal static class RedisAvailability
{
    public const string ExternalVariable = "FLEET_TEST_REDIS";

    public const string InstallHint =
        "redis-server is not installed: run ./eng/build.sh prereqs (or apt-get install redis-server), or set FLEET_TEST_REDIS=host:port to use a running Redis.";

    public const string ExternalHint =
        "FLEET_TEST_REDIS points at an external Redis, and this test kills, restarts or pauses the server: unset FLEET_TEST_REDIS to run it against a local redis-server.";

    public static bool UsesExternal => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ExternalVariable));

    public static string? Executable =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/bin", "/usr/local/bin"])
            .Select(dir => Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists);
}

/// <summary>A fact that needs a Redis server (local or FLEET_TEST_REDIS); skipped, saying what to install, without one.</summary>
internal sealed class RequiresRedisServerFactAttribute : FactAttribute
{
    public RequiresRedisServerFactAttribute()
    {
        if (!RedisAvailability.UsesExternal && RedisAvailability.Executable is null)
        {
            Skip = RedisAvailability.InstallHint;
        }
    }
}

/// <summary>A fact that controls the redis-server process (kill, pause): needs the local binary and FLEET_TEST_REDIS unset.</summary>
internal sealed class RequiresLocalRedisServerFactAttribute : FactAttribute
{
    public RequiresLocalRedisServerFactAttribute()
    {
        if (RedisAvailability.UsesExternal)
        {
            Skip = RedisAvailability.ExternalHint;
        }
        else if (RedisAvailability.Executable is null)
        {
            Skip = RedisAvailability.InstallHint;
        }
    }
}
