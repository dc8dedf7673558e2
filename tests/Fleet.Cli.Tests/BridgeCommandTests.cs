using System.Text.RegularExpressions;
using Fleet.Cli;

namespace Fleet.Cli.Tests;

/// <summary><c>fleet bridge run|status</c> with real bridges on loopback.</summary>
public sealed class BridgeCommandTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task RunPrimaryAndBackup_StatusShowsOneActiveThenStoppingThePrimaryFailsOver()
    {
        var ports = Enumerable.Range(0, 4).Select(_ => Tcp.FreePort()).ToArray();
        string Endpoint(int i) => $"tcp://127.0.0.1:{ports[i]}";
        using var stopPrimary = new CancellationTokenSource();
        using var stopBackup = new CancellationTokenSource();
        var primaryOutput = new StringWriter();
        var primary = FleetCli.RunAsync(["bridge", "run", "--role", "primary", "--name", "p", "--frontend", Endpoint(0), "--backend", Endpoint(1), "--peer", Endpoint(3)], primaryOutput, new StringWriter(), stopPrimary.Token);
        var backup = FleetCli.RunAsync(["bridge", "run", "--role", "backup", "--name", "b", "--frontend", Endpoint(2), "--backend", Endpoint(3), "--peer", Endpoint(1)], new StringWriter(), new StringWriter(), stopBackup.Token);
        try
        {
            CliResult status = null!;
            // Exit 0 means one active bridge; on a loaded machine the backup's row can still lag (state or epoch), so wait for both rows.
            Assert.True(
                await Poll.UntilAsync(
                    async () => (status = await CliRunner.RunAsync("bridge", "status", Endpoint(1), Endpoint(3), "--wait-ms", "400")).ExitCode == ExitCodes.Success
                        && Regex.IsMatch(status.Output, @"(?m)^p\s+primary\s+active\s+1$") && Regex.IsMatch(status.Output, @"(?m)^b\s+backup\s+passive\s+1$"),
                    Deadline),
                $"fleet bridge status never showed p active and b passive at epoch 1: {status.Output}");
            Assert.Matches(@"(?m)^p\s+primary\s+active\s+1$", status.Output);
            Assert.Matches(@"(?m)^b\s+backup\s+passive\s+1$", status.Output);

            await stopPrimary.CancelAsync();
            Assert.Equal(ExitCodes.Success, await primary);
            Assert.Contains("p stopped after forwarding", primaryOutput.ToString(), StringComparison.Ordinal);

            // With no client voting, the backup waits: a silent primary alone is not proof it is gone for the clients.
            var alone = await CliRunner.RunAsync("bridge", "status", Endpoint(3), "--wait-ms", "1500");
            Assert.Equal(ExitCodes.Problems, alone.ExitCode);
            Assert.Contains("0 active", alone.Error, StringComparison.Ordinal);
        }
        finally
        {
            await stopPrimary.CancelAsync();
            await stopBackup.CancelAsync();
            await Task.WhenAll(primary, backup);
        }
    }

    [Fact]
    public async Task Status_NothingListening_ExitsOneSayingHowManyWereHeard()
    {
        var result = await CliRunner.RunAsync("bridge", "status", $"tcp://127.0.0.1:{Tcp.FreePort()}", "--wait-ms", "200");

        Assert.Equal(ExitCodes.Problems, result.ExitCode);
        Assert.Contains("heard 0 of 1 bridge(s)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TimeoutShorterThanThreeBeacons_UsageErrorNamingTheRule()
    {
        var result = await CliRunner.RunAsync("bridge", "run", "--frontend", "tcp://127.0.0.1:1", "--backend", "tcp://127.0.0.1:2", "--beacon-ms", "100", "--timeout-ms", "150");

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains("three beacon intervals", result.Error, StringComparison.Ordinal);
    }
}
