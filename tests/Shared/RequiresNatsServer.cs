namespace Fleet.Sdk.Tests;

/// <summary>Whether nats-server (with JetStream) can be started here: the binary on PATH or in /usr/sbin, /usr/bin, /usr/local/bin.</summary>
internal static class NatsAvailability
{
    public const string InstallHint =
        "nats-server is not installed: run ./eng/build.sh prereqs (or apt-get install nats-server).";

    public static readonly IReadOnlyList<string> FallbackDirectories = ["/usr/sbin", "/usr/bin", "/usr/local/bin"];

    /// <summary>Why a test that needs nats-server is skipped here, or <see langword="null"/> when it can run.</summary>
    public static string? SkipReason =>
        RedisAvailability.FindExecutable(Environment.GetEnvironmentVariable("PATH"), FallbackDirectories, "nats-server") is null ? InstallHint : null;
}

/// <summary>A fact that needs nats-server; skipped, saying what to install, without it.</summary>
internal sealed class RequiresNatsServerFactAttribute : FactAttribute
{
    public RequiresNatsServerFactAttribute()
    {
        if (NatsAvailability.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>
/// Marks a class of a per-implementation suite (<see cref="SuiteFactAttribute"/>) that runs against
/// nats-server: its inherited tests are skipped, saying what to install, without it.
/// </summary>
public sealed class RequiresNatsServerAttribute : RequiresAttribute
{
    public override string? SkipReason => NatsAvailability.SkipReason;
}
