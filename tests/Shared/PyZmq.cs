using System.Diagnostics;

namespace Fleet.Sdk.Tests;

/// <summary>
/// Runs Python scripts with pyzmq, the library of the legacy agents, for interoperability tests.
/// Uses FLEET_TEST_PYTHON, else Debian's /usr/bin/python3 (where apt's python3-zmq installs),
/// else python3 on PATH; whichever first imports zmq.
/// </summary>
internal static class PyZmq
{
    public const string SkipReason =
        "pyzmq is not installed: run ./eng/build.sh prereqs, or apt-get install python3-zmq (or set FLEET_TEST_PYTHON to a python with pyzmq).";

    private static readonly Lazy<string?> Interpreter = new(Find);

    public static string? Python => Interpreter.Value;

    /// <summary>Runs <paramref name="script"/> to completion and returns what it printed.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string script, TimeSpan timeout, params string[] args)
    {
        using var process = Start(script, args);
        using var cts = new CancellationTokenSource(timeout);
        var output = process.StandardOutput.ReadToEndAsync(cts.Token);
        var error = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The Python script did not finish within {timeout}. Script:\n{script}");
        }

        return (process.ExitCode, await output, await error);
    }

    /// <summary>Starts <paramref name="script"/> and leaves it running; the caller disposes (kills) it.</summary>
    public static Process Start(string script, params string[] args)
    {
        var python = Python ?? throw new InvalidOperationException(SkipReason);
        var info = new ProcessStartInfo(python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-u");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {python}.");
    }

    private static string? Find()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("FLEET_TEST_PYTHON"), "/usr/bin/python3", "python3" };
        foreach (var candidate in candidates.Where(c => !string.IsNullOrEmpty(c)))
        {
            try
            {
                using var process = Process.Start(new ProcessStartInfo(candidate!, ["-c", "import zmq"])
                {
                    RedirectStandardError = true,
                    RedirectStandardOutput = true,
                    UseShellExecute = false,
                });
                if (process is not null && process.WaitForExit(TimeSpan.FromSeconds(20)) && process.ExitCode == 0)
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed at that path: try the next candidate.
            }
        }

        return null;
    }
}

/// <summary>A fact that needs pyzmq; skipped, saying how to install it, where it is missing.</summary>
internal sealed class PyZmqFactAttribute : FactAttribute
{
    public PyZmqFactAttribute()
    {
        if (PyZmq.Python is null)
        {
            Skip = PyZmq.SkipReason;
        }
    }
}
