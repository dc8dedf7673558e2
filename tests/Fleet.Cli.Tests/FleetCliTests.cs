namespace Fleet.Cli.Tests;

public sealed class FleetCliTests
{
    [Fact]
    public async Task Run_UnknownCommand_ExitsTwoWithUsageHint()
    {
        var result = await CliRunner.RunAsync("no-such-command");

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains("no-such-command", result.Error, StringComparison.Ordinal);
        Assert.Contains("fleet --help", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Help_ExitsZeroAndDescribesTool()
    {
        var result = await CliRunner.RunAsync("--help");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("fleet", result.Output, StringComparison.Ordinal);
    }
}
