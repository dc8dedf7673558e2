using System.CommandLine;
using Fleet.Cli.Chaos;
using Fleet.Cli.Discovery;

namespace Fleet.Cli;

/// <summary>
/// The <c>fleet</c> command line. Each command group lives in its own folder and contributes one
/// <see cref="Command"/> here; tests run it in-process through <see cref="RunAsync"/>.
/// </summary>
internal static class FleetCli
{
    /// <summary>Builds the root command with every command group.</summary>
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("fleet: configuration, keys, calls, coordination, discovery, GPU leases and chaos for a Fleet.Sdk fleet.");
        root.Subcommands.Add(ChaosCommand.Create());
        root.Subcommands.Add(Coordination.CoordinationCommand.Create());
        root.Subcommands.Add(DiscoveryCommand.Create());
        root.Subcommands.Add(Gpu.GpuCommand.Create());
        root.Subcommands.Add(Config.ConfigCommand.Create());
        root.Subcommands.Add(Deploy.DeployCommand.Create());
        root.Subcommands.Add(Messaging.CallCommand.Create());
        root.Subcommands.Add(Keys.KeysCommand.Create());
        root.Subcommands.Add(Messaging.BridgeCommand.Create());
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; never lets an exception or stack trace reach the user.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="output">Where results go.</param>
    /// <param name="error">Where diagnostics go.</param>
    /// <param name="cancellationToken">Stops a long-running command.</param>
    /// <returns>0 on success, 1 when the command found problems, 2 on usage or I/O errors (see <see cref="ExitCodes"/>).</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var root = CreateRootCommand();
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                await error.WriteLineAsync($"error: {parseError.Message}").ConfigureAwait(false);
            }

            await error.WriteLineAsync("Run 'fleet --help' for usage.").ConfigureAwait(false);
            return ExitCodes.UsageError;
        }

        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false,
        };

        try
        {
            return await parsed.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.UsageError;
        }
        catch (CliException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ex.ExitCode;
        }
        catch (Config.ConfigLoadException ex)
        {
            await error.WriteLineAsync($"error: {ex.Failure.Message}").ConfigureAwait(false);
            return ExitCodes.UsageError;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.UsageError;
        }
    }
}
