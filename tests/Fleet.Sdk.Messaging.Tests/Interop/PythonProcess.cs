using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Fleet.Sdk.Messaging.Tests.Interop;

/// <summary>A running pyzmq script: its output lines, SIGSTOP/SIGCONT, and a kill on dispose even when the test fails.</summary>
internal sealed partial class PythonProcess : IDisposable
{
    private const int SigStop = 19, SigCont = 18;
    private readonly Process _process;
    private readonly Task<string> _errors;

    private PythonProcess(Process process)
    {
        _process = process;
        _errors = process.StandardError.ReadToEndAsync();
    }

    public int Pid => _process.Id;

    public static PythonProcess Start(string script, params string[] args) => new(PyZmq.Start(script, args));

    /// <summary>Reads the next line the script prints; fails with the script's stderr when it does not come in time.</summary>
    public async Task<string> ReadLineAsync(TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        try
        {
            var line = await _process.StandardOutput.ReadLineAsync(cancellation.Token);
            return line ?? throw new InvalidOperationException($"The Python script ended without output. stderr:\n{await ErrorsAsync()}");
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The Python script printed nothing in time. stderr so far:\n{await ErrorsAsync()}");
        }
    }

    /// <summary>Waits for the script to end and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        return _process.ExitCode;
    }

    public void Freeze() => Signal(SigStop);

    public void Thaw() => Signal(SigCont);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private async Task<string> ErrorsAsync()
    {
        if (!_process.HasExited)
        {
            return "(still running)";
        }

        return await _errors;
    }

    private void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
