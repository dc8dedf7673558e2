namespace Fleet.Sdk.Testing;

/// <summary>
/// Chooses between process and container fixtures from <c>FLEET_TEST_FIXTURES</c>: <c>processes</c>
/// (the default when unset), <c>containers</c>, or <c>auto</c> (processes when the binaries are
/// installed, else containers where a Docker engine answers).
/// </summary>
public static class FixtureSelection
{
    /// <summary>The environment variable that chooses the fixtures.</summary>
    public const string Variable = "FLEET_TEST_FIXTURES";

    /// <summary>The choice for this process: <c>FLEET_TEST_FIXTURES</c>, whether <paramref name="binariesInstalled"/>, and <see cref="DockerEngine.Current"/> (probed only when containers may be used).</summary>
    public static FixtureChoice Current(bool binariesInstalled) =>
        Choose(Environment.GetEnvironmentVariable(Variable), binariesInstalled, () => DockerEngine.Current);

    /// <summary>The choice for a given <c>FLEET_TEST_FIXTURES</c> value, installed binaries and Docker engine (asked only when needed).</summary>
    public static FixtureChoice Choose(string? requested, bool binariesInstalled, Func<DockerEngineStatus> docker)
    {
        ArgumentNullException.ThrowIfNull(docker);
        var mode = string.IsNullOrWhiteSpace(requested) ? "processes" : requested.Trim().ToLowerInvariant();
        switch (mode)
        {
            case "processes":
                return binariesInstalled
                    ? new FixtureChoice(FixtureSource.Processes, null)
                    : new FixtureChoice(null, "the servers are not installed: run ./eng/build.sh prereqs, or set FLEET_TEST_FIXTURES=containers where a Docker engine runs");
            case "containers":
                return docker() is { IsAvailable: false } status
                    ? new FixtureChoice(null, status.Reason + " (FLEET_TEST_FIXTURES=containers needs one; unset it to use the installed servers)")
                    : new FixtureChoice(FixtureSource.Containers, null);
            case "auto":
                if (binariesInstalled)
                {
                    return new FixtureChoice(FixtureSource.Processes, null);
                }

                return docker() is { IsAvailable: false } engine
                    ? new FixtureChoice(null, engine.Reason + ", and the servers are not installed: run ./eng/build.sh prereqs")
                    : new FixtureChoice(FixtureSource.Containers, null);
            default:
                return new FixtureChoice(null, $"{Variable}='{requested}' is not processes, containers or auto: set one of those, or unset it");
        }
    }
}
