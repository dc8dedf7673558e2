using System.Diagnostics;
using System.Globalization;

namespace Fleet.Sdk.GpuScheduling;

/// <summary>
/// Reads live figures from <c>nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.used
/// --format=csv,noheader,nounits</c>. No nvidia-smi (no GPU, no driver) is normal: no figures.
/// </summary>
internal static class NvidiaSmi
{
    public const string Arguments = "--query-gpu=index,uuid,name,memory.total,memory.used --format=csv,noheader,nounits";

    /// <summary>Parses the CSV; lines that are not five fields with numbers (driver warnings, "[N/A]") are skipped and counted.</summary>
    public static IReadOnlyList<NvidiaSmiGpu> Parse(string output, out int skipped)
    {
        skipped = 0;
        var gpus = new List<NvidiaSmiGpu>();
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split(',');
            if (fields.Length != 5
                || !int.TryParse(fields[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                || !long.TryParse(fields[3].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var total)
                || !long.TryParse(fields[4].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var used))
            {
                skipped++;
                continue;
            }

            gpus.Add(new NvidiaSmiGpu(index, fields[1].Trim(), fields[2].Trim(), total, used));
        }

        return gpus;
    }

    /// <summary>Finds the executable: a path as given, or a name on <c>PATH</c>; <see langword="null"/> when absent.</summary>
    public static string? Locate(string executable)
    {
        if (executable.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return File.Exists(executable) ? executable : null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, executable))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Runs nvidia-smi and parses its output; throws <see cref="InvalidOperationException"/> when it fails.</summary>
    public static async Task<IReadOnlyList<NvidiaSmiGpu>> QueryAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var process = new Process
        {
            StartInfo = new ProcessStartInfo(path, Arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
        };
        process.Start();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
            var error = process.StandardError.ReadToEndAsync(deadline.Token);
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{path} {Arguments} exited with code {process.ExitCode}: {(await error.ConfigureAwait(false)).Trim()}");
            }

            return Parse(await output.ConfigureAwait(false), out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{path} did not answer within {timeout.TotalSeconds:0.#} s (a hung driver?).");
        }
    }
}
