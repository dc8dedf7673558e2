using System.Net.Sockets;
using Fleet.Sdk.Config;
using Fleet.Sdk.Hosting;
using Fleet.Sdk.Messaging;
using Fleet.Sdk.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Runs a fleet agent and turns what happened into an exit code (<see cref="FleetAgentExitCodes"/>).</summary>
public static partial class FleetAgentHostExtensions
{
    /// <summary>
    /// Starts the agent, runs it until SIGTERM, Ctrl+C or <c>StopApplication</c>, stops it gracefully
    /// (drain, deregister, close sockets, flush logs) and disposes the host. Start-up failures are
    /// written to standard error and the log, every problem listed.
    /// </summary>
    /// <param name="host">The built host.</param>
    /// <param name="cancellationToken">Stops the agent like SIGTERM does.</param>
    /// <returns>The exit code: <see cref="FleetAgentExitCodes.Success"/>, or why it stopped otherwise.</returns>
    public static async Task<int> RunFleetAgentAsync(this IHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        var logger = host.Services.GetService<ILoggerFactory>()?.CreateLogger("Fleet.Sdk.Hosting.Agent");
        int code;
        try
        {
            try
            {
                await host.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                code = ExitCodeOf(ex, out var message);
                if (logger is not null)
                {
                    LogStartFailed(logger, code, message, ex);
                }

                await Console.Error.WriteLineAsync($"The agent could not start (exit code {code}): {message}").ConfigureAwait(false);
                try
                {
                    await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception stopError) when (stopError is not OutOfMemoryException)
                {
                    // Already failing; the start-up error is the one to report.
                }

                return code;
            }

            await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            code = host.Services.GetService<FleetAgentHost>()?.ShutdownTimedOut == true
                ? FleetAgentExitCodes.ShutdownTimedOut
                : FleetAgentExitCodes.Success;
        }
        finally
        {
            // Disposing flushes the logs.
            if (host is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                host.Dispose();
            }
        }

        return code;
    }

    /// <summary>Maps a start-up exception to its exit code and a message listing every problem.</summary>
    internal static int ExitCodeOf(Exception exception, out string message)
    {
        var all = Flatten(exception).ToList();
        message = string.Join(Environment.NewLine, all.SelectMany(Describe).Distinct());
        foreach (var ex in all)
        {
            switch (ex)
            {
                case OptionsValidationException or FleetConfigurationException:
                    return FleetAgentExitCodes.InvalidConfiguration;
                case FleetAgentStartupException:
                    return FleetAgentExitCodes.RequiredDependencyUnavailable;
                case FleetSecurityException:
                    return FleetAgentExitCodes.SecurityPolicy;
                case ZmqException or SocketException or IOException:
                    return FleetAgentExitCodes.EndpointUnavailable;
            }
        }

        return FleetAgentExitCodes.UnexpectedError;
    }

    private static IEnumerable<Exception> Flatten(Exception exception)
    {
        if (exception is AggregateException aggregate)
        {
            return aggregate.InnerExceptions.SelectMany(Flatten);
        }

        return exception.InnerException is { } inner and not (OptionsValidationException or FleetConfigurationException or FleetAgentStartupException)
            ? new[] { exception }.Concat(Flatten(inner))
            : [exception];
    }

    private static IEnumerable<string> Describe(Exception exception) =>
        exception is OptionsValidationException validation ? validation.Failures : [exception.Message];

    [LoggerMessage(EventId = 8040, Level = LogLevel.Critical, Message = "The agent could not start (exit code {ExitCode}): {Problems}")]
    private static partial void LogStartFailed(ILogger logger, int exitCode, string problems, Exception exception);
}
