namespace Fleet.Sdk.Tests;

/// <summary>Whether a Redis server can be had: the redis-server binary, or FLEET_TEST_REDIS=host:port.</summary>
internal static class RedisAvailability
{
    public const string ExternalVariable = "FLEET_TEST_REDIS";

    public const string InstallHint =
        "redis-server is not installed: run ./eng/build.sh prereqs (or apt-get install redis-server), or set FLEET_TEST_REDIS=host:port to use a running Redis.";

    public const string ExternalHint =
        "FLEET_TEST_REDIS points at an external Redis, and this test kills, restarts or pauses the server: unset FLEET_TEST_REDIS to run it against a local redis-server.";

    /// <summary>Where redis-server is looked for after PATH, as Fleet.Sdk.Testing's RedisServer does.</summary>
    public static readonly IReadOnlyList<string> FallbackDirectories = ["/usr/bin", "/usr/local/bin"];

    public static bool UsesExternal => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ExternalVariable));

    public static string? Executable => FindExecutable(Environment.GetEnvironmentVariable("PATH"), FallbackDirectories);

    /// <summary>Why a test that needs a Redis server is skipped here, or <see langword="null"/> when one can be had.</summary>
    public static string? SkipReason =>
        SkipReasonFor(Environment.GetEnvironmentVariable(ExternalVariable), Environment.GetEnvironmentVariable("PATH"), FallbackDirectories);

    /// <summary>The skip decision for given FLEET_TEST_REDIS and PATH values and fallback folders.</summary>
    public static string? SkipReasonFor(string? external, string? path, IEnumerable<string> fallbacks) =>
        !string.IsNullOrWhiteSpace(external) || FindExecutable(path, fallbacks) is not null ? null : InstallHint;

    public static string? FindExecutable(string? path, IEnumerable<string> fallbacks, string name = "redis-server") =>
        (path ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(fallbacks)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}

/// <summary>A fact that needs a Redis server (local or FLEET_TEST_REDIS); skipped, saying what to install, without one.</summary>
internal sealed class RequiresRedisServerFactAttribute : FactAttribute
{
    public RequiresRedisServerFactAttribute()
    {
        if (RedisAvailability.SkipReason is { } reason)
        {
            Skip = reason;
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

/// <summary>
/// Marks a class of a per-implementation suite (<see cref="SuiteFactAttribute"/>) that runs against
/// a Redis server: its inherited tests are skipped, saying what to install, without one.
/// </summary>
public sealed class RequiresRedisServerAttribute : RequiresAttribute
{
    public override string? SkipReason => RedisAvailability.SkipReason;
}
