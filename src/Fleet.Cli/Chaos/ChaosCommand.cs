using System.CommandLine;
using Fleet.Sdk.Testing;

namespace Fleet.Cli.Chaos;

/// <summary><c>fleet chaos</c>: the Toxiproxy-compatible fault proxy, for partition tests and by hand.</summary>
internal static class ChaosCommand
{
    public static Command Create()
    {
        var host = new Option<string>("--host")
        {
            Description = "Address the Toxiproxy HTTP API binds (an IP address or localhost).",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var port = new Option<int>("--port")
        {
            Description = "Port of the Toxiproxy HTTP API; 0 picks a free one.",
            DefaultValueFactory = _ => 8474,
        };

        var serve = new Command("serve", "Run the fault proxy (Toxiproxy API 2.12.0) until Ctrl+C or SIGTERM; any Toxiproxy client can drive it.");
        serve.Options.Add(host);
        serve.Options.Add(port);
        serve.SetAction((parse, cancellationToken) => ServeAsync(parse.GetValue(host)!, parse.GetValue(port), parse.InvocationConfiguration.Output, cancellationToken));

        var chaos = new Command("chaos", "Fault injection: a TCP proxy that adds latency, cuts links and resets connections.");
        chaos.Subcommands.Add(serve);
        return chaos;
    }

    private static async Task<int> ServeAsync(string host, int port, TextWriter output, CancellationToken cancellationToken)
    {
        if (port is < 0 or > 65535)
        {
            throw new CliException($"--port {port} is out of range: give 0-65535 (0 picks a free port).");
        }

        FaultProxyServer server;
        try
        {
            server = await FaultProxyServer.StartAsync(new FaultProxyServerOptions { Host = host, Port = port }, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            throw new CliException($"--host '{host}' is not an IP address or localhost; give one such as 127.0.0.1.", ex);
        }
        catch (IOException ex)
        {
            throw new CliException(ex.Message, ex, ExitCodes.Problems);
        }

        await using (server.ConfigureAwait(false))
        {
            await output.WriteLineAsync($"fleet chaos: fault proxy (Toxiproxy API {FaultProxyServer.ToxiproxyVersion}) listening on {server.ApiUri}").ConfigureAwait(false);
            await output.WriteLineAsync("Press Ctrl+C to stop.").ConfigureAwait(false);
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await output.WriteLineAsync("fleet chaos: stopped; every proxy and connection was closed.").ConfigureAwait(false);
            }
        }

        return ExitCodes.Success;
    }
}
