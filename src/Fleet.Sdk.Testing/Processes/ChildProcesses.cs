using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Fleet.Sdk.Testing;

/// <summary>
/// Starts server processes that die with the test process, and signals them.
/// </summary>
/// <remarks>
/// <para>
/// A test process that crashes, or is killed by a hang timeout, never runs its <c>finally</c>
/// blocks, so disposal alone leaves orphaned servers. The child is therefore started through
/// util-linux's <c>setpriv --pdeathsig KILL</c>, which sets <c>PR_SET_PDEATHSIG</c> and then
/// execs the server (same pid, no extra process): the kernel sends SIGKILL when the parent dies,
/// however it dies. A shell watchdog that waits for EOF on a pipe would also work, but adds a
/// process per server, a pid to pass back for SIGSTOP, and its own way to be orphaned.
/// </para>
/// <para>
/// PR_SET_PDEATHSIG fires when the <em>thread</em> that forked the child exits, and .NET
/// retires idle thread-pool threads. So every child is forked from one dedicated thread that
/// lives as long as the process. Where setpriv is absent (macOS, minimal images) the child is
/// started directly and only disposal stops it; a warning is logged.
/// </para>
/// </remarks>
internal static class ChildProcesses
{
    private static readonly BlockingCollection<(ProcessStartInfo Info, TaskCompletionSource<Process> Started)> Requests = [];
    private static readonly Lazy<Thread> Launcher = new(() =>
    {
        var thread = new Thread(Launch) { IsBackground = true, Name = "Fleet.Sdk.Testing process launcher" };
        thread.Start();
        return thread;
    });

    private static readonly Lazy<string?> SetPriv = new(() => Which("setpriv", ["/usr/bin", "/bin"]));

    /// <summary>Gets a value indicating whether children are tied to this process's life by the kernel.</summary>
    public static bool TiedToParent => OperatingSystem.IsLinux() && SetPriv.Value is not null;

    public static Task<Process> StartAsync(string executable, IEnumerable<string> arguments, string workingDirectory)
    {
        var info = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            WorkingDirectory = workingDirectory,
        };
        if (TiedToParent)
        {
            info.FileName = SetPriv.Value!;
            foreach (var arg in (string[])["--pdeathsig", "KILL", "--", executable])
            {
                info.ArgumentList.Add(arg);
            }
        }
        else
        {
            info.FileName = executable;
        }

        foreach (var arg in arguments)
        {
            info.ArgumentList.Add(arg);
        }

        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Launcher.Value;
        Requests.Add((info, started));
        return started.Task;
    }

    /// <summary>Finds an executable on PATH, then in <paramref name="fallbacks"/>.</summary>
    public static string? Which(string name, IEnumerable<string> fallbacks)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(fallbacks)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
    }

    public static void Stop(int pid) => Signal(pid, OperatingSystem.IsMacOS() ? 17 : 19);

    public static void Continue(int pid) => Signal(pid, OperatingSystem.IsMacOS() ? 19 : 18);

    /// <summary>Asks a process to shut down cleanly (SIGTERM, 15 on Linux and macOS).</summary>
    public static void Terminate(int pid) => Signal(pid, 15);

    private static void Signal(int pid, int signal)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Signalling a process (SIGSTOP, SIGCONT, SIGTERM) needs Linux or macOS.");
        }

        if (NativeMethods.Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}. Is the process still running?");
        }
    }

    private static void Launch()
    {
        foreach (var (info, started) in Requests.GetConsumingEnumerable())
        {
            try
            {
                started.SetResult(Process.Start(info) ?? throw new InvalidOperationException($"{info.FileName} did not start."));
            }
            catch (Exception ex)
            {
                started.SetException(ex);
            }
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Kill(int pid, int signal);
    }
}
