using System.Diagnostics;
using System.Text.RegularExpressions;
using Fleet.Sdk.Testing;

namespace Fleet.Sdk.IntegrationTests;

/// <summary>
/// The issue's definition of done: a scripted session of the unmodified npm toxiproxy-node-client
/// (node/session.js: create, toxics, update, disable/enable, populate, reset, delete) passes against
/// the real <c>fleet chaos serve</c> process, which then stops cleanly on SIGTERM.
/// </summary>
public sealed partial class ToxiproxyNodeClientTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [RequiresNodeClientFact]
    public async Task FleetChaosServe_NpmToxiproxyClientSession_Passes()
    {
        var fleet = Path.Combine(AppContext.BaseDirectory, "fleet.dll");
        using var server = await ChildProcesses.StartAsync("dotnet", [fleet, "chaos", "serve", "--host", "127.0.0.1", "--port", "0"], AppContext.BaseDirectory);
        try
        {
            var api = await ReadApiUrlAsync(server);

            using var node = await ChildProcesses.StartAsync(NodeClient.Node!, [Path.Combine(NodeClient.Directory, "session.js"), api], NodeClient.Directory);
            var output = node.StandardOutput.ReadToEndAsync();
            var errors = node.StandardError.ReadToEndAsync();
            using (var limit = new CancellationTokenSource(Deadline))
            {
                await node.WaitForExitAsync(limit.Token);
            }

            Assert.True(node.ExitCode == 0, $"node session.js failed ({node.ExitCode}):\n{await output}\n{await errors}");
            Assert.Contains("SESSION OK", await output, StringComparison.Ordinal);

            using var stop = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
            {
                await server.WaitForExitAsync(limit.Token);
            }

            // 0, or 143 (128 + SIGTERM) when System.CommandLine reports the signal: either way it stopped by itself.
            Assert.Contains(server.ExitCode, (int[])[0, 143]);
            Assert.Contains("stopped", await server.StandardOutput.ReadToEndAsync(), StringComparison.Ordinal);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
            }
        }
    }

    private static async Task<string> ReadApiUrlAsync(Process server)
    {
        using var limit = new CancellationTokenSource(Deadline);
        while (await server.StandardOutput.ReadLineAsync(limit.Token) is { } line)
        {
            var match = ApiUrl().Match(line);
            if (match.Success)
            {
                return match.Value;
            }
        }

        throw new Xunit.Sdk.XunitException($"fleet chaos serve exited ({server.ExitCode}) without printing its address: {await server.StandardError.ReadToEndAsync()}");
    }

    [GeneratedRegex(@"http://\S+")]
    private static partial Regex ApiUrl();
}
