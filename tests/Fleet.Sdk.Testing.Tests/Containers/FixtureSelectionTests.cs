namespace Fleet.Sdk.Testing.Tests;

/// <summary>Which fixtures a test uses (FLEET_TEST_FIXTURES, installed servers, Docker engine), and why it skips.</summary>
public sealed class FixtureSelectionTests
{
    private static readonly DockerEngineStatus Engine = new(true, "unix:///var/run/docker.sock", null);
    private static readonly DockerEngineStatus NoEngine = new(false, "unix:///var/run/docker.sock", "no Docker engine: DOCKER_HOST is unset and /var/run/docker.sock does not exist");

    [Theory]
    [InlineData(null, true, true, FixtureSource.Processes)]
    [InlineData("", true, false, FixtureSource.Processes)]
    [InlineData("processes", true, true, FixtureSource.Processes)]
    [InlineData("containers", false, true, FixtureSource.Containers)]
    [InlineData("Containers", true, true, FixtureSource.Containers)]
    [InlineData("auto", true, true, FixtureSource.Processes)]
    [InlineData("auto", false, true, FixtureSource.Containers)]
    public void Choose_RequestServersAndEngine_PicksTheSource(string? requested, bool installed, bool engine, FixtureSource expected)
    {
        var choice = FixtureSelection.Choose(requested, installed, () => engine ? Engine : NoEngine);

        Assert.Equal(new FixtureChoice(expected, null), choice);
    }

    [Fact]
    public void Choose_Processes_NeverProbesDocker()
    {
        var probed = false;

        FixtureSelection.Choose(null, true, () =>
        {
            probed = true;
            return Engine;
        });
        FixtureSelection.Choose("auto", true, () =>
        {
            probed = true;
            return Engine;
        });

        Assert.False(probed);
    }

    [Theory]
    [InlineData("containers", true, "no Docker engine: DOCKER_HOST is unset", "unset it to use the installed servers")]
    [InlineData("auto", false, "no Docker engine: DOCKER_HOST is unset", "./eng/build.sh prereqs")]
    [InlineData(null, false, "the servers are not installed", "FLEET_TEST_FIXTURES=containers")]
    [InlineData("docker", true, "FLEET_TEST_FIXTURES='docker' is not processes, containers or auto", "unset it")]
    public void Choose_CannotRun_SkipReasonSaysWhyAndWhatToDo(string? requested, bool installed, string why, string fix)
    {
        var choice = FixtureSelection.Choose(requested, installed, () => NoEngine);

        Assert.Null(choice.Source);
        Assert.StartsWith(why, choice.SkipReason, StringComparison.Ordinal);
        Assert.Contains(fix, choice.SkipReason, StringComparison.Ordinal);
    }
}
