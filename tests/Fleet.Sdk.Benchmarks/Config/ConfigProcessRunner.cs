using System.Diagnostics;
using System.Globalization;

namespace Fleet.Sdk.Benchmarks.Config;

/// <summary>
/// Times the whole <c>fleet config validate</c> process (start-up, JIT, load, validate, exit) on the
/// generated 200-agent, 3-machine topology: what a CI step or a developer pays per run.
/// </summary>
internal static class ConfigProcessRunner
{
    public const string Usage = "[--fleet PATH-TO-fleet-EXECUTABLE] [--runs N] | --write DIR: time 'fleet config validate' on a 200-agent, 3-machine topology (or only write it, for hyperfine)";

    public static async Task<int> RunAsync(string[] args)
    {
        if (Option(args, "--write") is { } target)
        {
            Console.WriteLine(TopologyGenerator.Write(target));
            return 0;
        }

        var fleet = Option(args, "--fleet") ?? FindFleet();
        var runs = int.Parse(Option(args, "--runs") ?? "20", CultureInfo.InvariantCulture);
        if (fleet is null || !File.Exists(fleet))
        {
            Console.Error.WriteLine("fleet executable not found: build it (dotnet build -c Release src/Fleet.Cli) or pass --fleet PATH.");
            return 2;
        }

        var directory = Directory.CreateTempSubdirectory("fleet-bench-process-").FullName;
        try
        {
            TopologyGenerator.Write(directory);
            for (var i = 0; i < 3; i++)
            {
                await RunOnceAsync(fleet, directory).ConfigureAwait(false);
            }

            var times = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var (elapsed, exitCode, output) = await RunOnceAsync(fleet, directory).ConfigureAwait(false);
                if (exitCode != 0)
                {
                    Console.Error.WriteLine($"fleet exited {exitCode}: {output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()}");
                    return 1;
                }

                times.Add(elapsed.TotalMilliseconds);
            }

            times.Sort();
            Console.WriteLine($"fleet config validate, 200 agents on 3 machines, {runs} runs ({fleet}):");
            Console.WriteLine(FormattableString.Invariant($"  min {times[0]:F0} ms, median {times[times.Count / 2]:F0} ms, p90 {times[(int)(times.Count * 0.9)]:F0} ms, max {times[^1]:F0} ms"));
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<(TimeSpan Elapsed, int ExitCode, string Output)> RunOnceAsync(string fleet, string directory)
    {
        var start = new ProcessStartInfo(fleet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "config", "validate", "--ignore-environment", directory })
        {
            start.ArgumentList.Add(argument);
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await process.StandardError.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        watch.Stop();
        return (watch.Elapsed, process.ExitCode, output);
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    internal static string? FindFleet()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Fleet.Sdk.sln")))
        {
            dir = dir.Parent;
        }

        return dir is null
            ? null
            : new[] { "Release", "Debug" }.Select(c => Path.Combine(dir.FullName, "src", "Fleet.Cli", "bin", c, "net10.0", "fleet")).FirstOrDefault(File.Exists);
    }
}
