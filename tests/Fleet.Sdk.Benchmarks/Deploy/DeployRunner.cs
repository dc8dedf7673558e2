using System.Diagnostics;
using System.Globalization;
using Fleet.Sdk.Benchmarks.Config;

namespace Fleet.Sdk.Benchmarks.Deploy;

/// <summary>
/// Times <c>fleet deploy render</c> end to end (process start, load, plan, write, exit) on the 80-agent
/// legacy fleet, for both machines and both formats, side by side with its baseline: <c>fleet config
/// validate</c> of the same files, which pays the same start-up and load.
/// </summary>
internal static class DeployRunner
{
    public const string Usage = "[--fleet PATH-TO-fleet-EXECUTABLE] [--runs N]: time 'fleet deploy render' of the 80-agent legacy fleet (both machines, compose and systemd) against 'fleet config validate'";

    public static async Task<int> RunAsync(string[] args)
    {
        var fleet = Option(args, "--fleet") ?? ConfigProcessRunner.FindFleet();
        var runs = int.Parse(Option(args, "--runs") ?? "20", CultureInfo.InvariantCulture);
        if (fleet is null || !File.Exists(fleet))
        {
            Console.Error.WriteLine("fleet executable not found: build it (dotnet build -c Release src/Fleet.Cli) or pass --fleet PATH.");
            return 2;
        }

        var directory = Directory.CreateTempSubdirectory("fleet-bench-deploy-").FullName;
        try
        {
            var (mainpc, pc2) = LegacyFleetGenerator.Write(directory);
            string[] Render(string machine, string format, string address) =>
                ["deploy", "render", mainpc, pc2, "--ignore-environment", "--machine", machine, "--address", address,
                 "--default-image", "fleet/legacy-agents:1.0", "--format", format, "--install-dir", "/opt/fleet",
                 "--out", Path.Combine(directory, "out", $"{machine}-{format}")];

            var cases = new (string Name, string[][] Invocations)[]
            {
                ("start-up only: fleet --version", [["--version"]]),
                ("baseline: fleet config validate (both files)", [["config", "validate", "--ignore-environment", mainpc, pc2]]),
                ("deploy render compose, mainpc + pc2", [Render("mainpc", "compose", "10.0.0.1"), Render("pc2", "compose", "10.0.0.2")]),
                ("deploy render systemd, mainpc + pc2", [Render("mainpc", "systemd", "10.0.0.1"), Render("pc2", "systemd", "10.0.0.2")]),
            };

            Console.WriteLine($"80-agent legacy fleet ({LegacyFleetGenerator.MainPcAgents} on mainpc, {LegacyFleetGenerator.Pc2Agents} on pc2), {runs} runs, {fleet}:");
            foreach (var (name, invocations) in cases)
            {
                for (var i = 0; i < 3; i++)
                {
                    await TimeAsync(fleet, invocations).ConfigureAwait(false);
                }

                var totals = new List<double>();
                for (var i = 0; i < runs; i++)
                {
                    var (elapsed, failure) = await TimeAsync(fleet, invocations).ConfigureAwait(false);
                    if (failure is not null)
                    {
                        Console.Error.WriteLine($"{name}: {failure}");
                        return 1;
                    }

                    totals.Add(elapsed);
                }

                totals.Sort();
                var perProcess = invocations.Length == 1 ? string.Empty : FormattableString.Invariant($" ({invocations.Length} processes, median {totals[totals.Count / 2] / invocations.Length:F0} ms each)");
                Console.WriteLine(FormattableString.Invariant(
                    $"  {name,-46} min {totals[0]:F0} ms, median {totals[totals.Count / 2]:F0} ms, p90 {totals[(int)(totals.Count * 0.9)]:F0} ms, max {totals[^1]:F0} ms{perProcess}"));
            }

            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<(double Milliseconds, string? Failure)> TimeAsync(string fleet, string[][] invocations)
    {
        var watch = Stopwatch.StartNew();
        foreach (var arguments in invocations)
        {
            var start = new ProcessStartInfo(fleet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync().ConfigureAwait(false);
            await process.WaitForExitAsync().ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                return (0, $"fleet {string.Join(' ', arguments.Take(2))} exited {process.ExitCode}: {(await output.ConfigureAwait(false)).Trim()} {error.Trim()}");
            }
        }

        return (watch.Elapsed.TotalMilliseconds, null);
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
