using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Fleet.Sdk.Testing;

/// <summary>
/// The child process behind one test server (<see cref="RedisServer"/>, <see cref="NatsServer"/>): starts it tied to this
/// process (<see cref="ChildProcesses"/>) with its output drained, waits until it answers, pauses, resumes, terminates
/// and kills it, and serialises those operations. The server keeps what is its own: arguments, the readiness probe,
/// its errors and its log messages.
/// </summary>
internal sealed class ServerProcess
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Process? _process;
    private int _disposed;

    /// <summary>Gets the process id, or <see langword="null"/> when none runs.</summary>
    public int? Id => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>Gets a value indicating whether the process runs (paused counts as running).</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Gets a value indicating whether the process is stopped with SIGSTOP.</summary>
    public bool IsPaused { get; private set; }

    /// <summary>Gets a value indicating whether <see cref="DisposeOnceAsync"/> has been called.</summary>
    public bool IsDisposed => _disposed != 0;

    /// <summary>Binds a socket to a free port on <paramref name="bindAddress"/> and releases it.</summary>
    /// <param name="bindAddress">The IP address the server will listen on.</param>
    /// <returns>The port.</returns>
    public static int FreePort(string bindAddress)
    {
        using var probe = new Socket(SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Parse(bindAddress), 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>The last eight lines of a server's log file, for an error message.</summary>
    /// <param name="logFile">The log file.</param>
    /// <returns>The lines, empty when there is no log, or a note that it could not be read.</returns>
    public static string LogTail(string logFile)
    {
        try
        {
            return File.Exists(logFile) ? string.Join('\n', File.ReadLines(logFile).TakeLast(8)) : string.Empty;
        }
        catch (IOException ex)
        {
            return $"(its log {logFile} could not be read: {ex.Message})";
        }
    }

    /// <summary>Deletes a server's directory.</summary>
    /// <param name="directory">The directory.</param>
    /// <returns><see langword="null"/> when deleted, else why not (the caller logs it).</returns>
    public static string? TryDeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }

    /// <summary>Runs <paramref name="operation"/> while holding the server's lock.</summary>
    /// <param name="operation">What to do.</param>
    /// <param name="cancellationToken">Cancels the wait for the lock.</param>
    /// <returns>A task that completes with the operation.</returns>
    public async Task LockedAsync(Func<Task> operation, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await operation().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The first call marks the server disposed and runs <paramref name="cleanup"/> under the lock; later calls do nothing.</summary>
    /// <param name="cleanup">Kills the process, deletes the directory.</param>
    /// <returns>A task that completes when everything is released.</returns>
    public async ValueTask DisposeOnceAsync(Func<Task> cleanup)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await LockedAsync(cleanup, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Starts the server process; it logs to its own file, so anything it prints is drained and dropped.</summary>
    /// <param name="executable">The binary.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="workingDirectory">Its directory.</param>
    /// <returns>The process id.</returns>
    public async Task<int> StartAsync(string executable, IEnumerable<string> arguments, string workingDirectory)
    {
        var process = await ChildProcesses.StartAsync(executable, arguments, workingDirectory).ConfigureAwait(false);
        // A full pipe would block the server: read everything and drop it.
        process.OutputDataReceived += Discard;
        process.ErrorDataReceived += Discard;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        IsPaused = false;
        return process.Id;
    }

    /// <summary>
    /// Probes until the server answers: <paramref name="probe"/> gives <see langword="null"/> when ready, else why not
    /// (a socket or I/O error, or a probe timeout, counts as a reason too). Fails at once when the process exits.
    /// </summary>
    /// <param name="probe">One attempt.</param>
    /// <param name="time">The clock.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="interval">The pause between attempts.</param>
    /// <param name="failure">The server's error for how long it waited and why.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the server answers.</returns>
    public async Task WaitUntilReadyAsync(
        Func<CancellationToken, Task<string?>> probe,
        TimeProvider time,
        TimeSpan timeout,
        TimeSpan interval,
        Func<TimeSpan, string, Exception> failure,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var reason = "no answer yet";
        while (true)
        {
            if (_process is { HasExited: true } exited)
            {
                throw failure(time.GetElapsedTime(started), $"it exited with code {exited.ExitCode}");
            }

            try
            {
                reason = await probe(cancellationToken).ConfigureAwait(false) ?? string.Empty;
                if (reason.Length == 0)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                reason = ex.Message;
            }

            var waited = time.GetElapsedTime(started);
            if (waited >= timeout)
            {
                throw failure(waited, reason);
            }

            await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops a running process with SIGSTOP.</summary>
    /// <returns>Its id when this call paused it, <see langword="null"/> when it already was.</returns>
    public int? Pause()
    {
        var process = Running();
        if (IsPaused)
        {
            return null;
        }

        ChildProcesses.Stop(process.Id);
        IsPaused = true;
        return process.Id;
    }

    /// <summary>Lets a paused process run again with SIGCONT.</summary>
    /// <returns>Its id when this call resumed it, <see langword="null"/> when it was not paused.</returns>
    public int? Resume()
    {
        var process = Running();
        if (!IsPaused)
        {
            return null;
        }

        ChildProcesses.Continue(process.Id);
        IsPaused = false;
        return process.Id;
    }

    /// <summary>Stops a running process cleanly with SIGTERM (resuming it first if paused) and waits for it to exit.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The id of the process that exited.</returns>
    public async Task<int> TerminateAsync(CancellationToken cancellationToken)
    {
        Resume();
        var process = Running();
        ChildProcesses.Terminate(process.Id);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var id = process.Id;
        process.Dispose();
        _process = null;
        return id;
    }

    /// <summary>Kills the process with SIGKILL if it runs, waits for it to exit, and forgets it.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The id of the process killed, or <see langword="null"/> when none ran.</returns>
    public async Task<int?> KillAsync(CancellationToken cancellationToken)
    {
        if (_process is not { } process)
        {
            return null;
        }

        int? killed = null;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            killed = process.Id;
        }

        process.Dispose();
        _process = null;
        IsPaused = false;
        return killed;
    }

    private Process Running() =>
        _process is { HasExited: false } process ? process : throw new InvalidOperationException("The server process is not running.");

    private static void Discard(object sender, DataReceivedEventArgs line)
    {
        // Read and dropped on purpose: the log file holds what matters.
    }
}
