using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Testing;

/// <summary>
/// A real redis-server for one test: its own process, free loopback port and temporary directory,
/// ready (answering PING) when <see cref="StartAsync(CancellationToken)"/> returns. It can be
/// killed, restarted with or without its data, and paused (SIGSTOP) to play a hung server.
/// Disposing it kills the process and deletes the directory; if the test process dies first, the
/// kernel kills the server too (see <c>docs/testing.md</c>). With <c>FLEET_TEST_REDIS=host:port</c>
/// set, that external server is used instead and nothing is started.
/// </summary>
public sealed partial class RedisServer : IAsyncDisposable
{
    private readonly RedisServerOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string? _executable;
    private Process? _process;
    private bool _paused;
    private int _disposed;

    private RedisServer(RedisServerOptions options, string host, int port, string? executable, string? directory)
    {
        _options = options;
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RedisServer>();
        Host = host;
        Port = port;
        _executable = executable;
        DataDirectory = directory;
    }

    /// <summary>Gets the environment variable that points the harness at an external Redis (<c>host:port</c>).</summary>
    public static string ExternalServerEnvironmentVariable => RedisServerConstants.ExternalServerVariable;

    /// <summary>Gets the host clients connect to.</summary>
    public string Host { get; }

    /// <summary>Gets the port clients connect to.</summary>
    public int Port { get; }

    /// <summary>Gets the <c>host:port</c> address, usable as a StackExchange.Redis connection string.</summary>
    public string ConnectionString => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Gets a value indicating whether this is an external server named by <c>FLEET_TEST_REDIS</c>.</summary>
    public bool IsExternal => _executable is null;

    /// <summary>Gets the server's working directory (its AOF and log), or <see langword="null"/> for an external server.</summary>
    public string? DataDirectory { get; }

    /// <summary>Gets the process id, or <see langword="null"/> when external or killed.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>Gets a value indicating whether the server process is running (paused counts as running).</summary>
    public bool IsRunning => IsExternal || _process is { HasExited: false };

    /// <summary>Finds the redis-server binary: PATH, then /usr/bin and /usr/local/bin.</summary>
    /// <returns>Its path, or <see langword="null"/> when it is not installed.</returns>
    public static string? FindExecutable() => ChildProcesses.Which("redis-server", RedisServerConstants.SearchDirectories);

    /// <summary>Starts a local redis-server (or connects to <c>FLEET_TEST_REDIS</c>) with default options.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The server, answering PING.</returns>
    public static Task<RedisServer> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(new RedisServerOptions(), cancellationToken);

    /// <summary>Starts a local redis-server (or connects to <c>FLEET_TEST_REDIS</c>).</summary>
    /// <param name="options">Where the binary is, how long to wait, extra arguments.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The server, answering PING.</returns>
    /// <exception cref="FileNotFoundException">redis-server is not installed (the message says how to install it).</exception>
    /// <exception cref="InvalidOperationException">The server did not answer PING in time (the message holds its log).</exception>
    public static async Task<RedisServer> StartAsync(RedisServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var external = options.UseExternalServerFromEnvironment ? Environment.GetEnvironmentVariable(RedisServerConstants.ExternalServerVariable) : null;
        if (!string.IsNullOrWhiteSpace(external))
        {
            if (!ProxyAddress.TryParse(external.Trim(), out var host, out var port) || host.Length == 0 || port == 0)
            {
                throw TestingErrors.InvalidExternalRedis(external);
            }

            var server = new RedisServer(options, host, port, executable: null, directory: null);
            await server.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }

        var executable = options.ExecutablePath ?? FindExecutable();
        if (executable is null || !File.Exists(executable))
        {
            throw TestingErrors.RedisServerNotFound(options.ExecutablePath);
        }

        var directory = Directory.CreateTempSubdirectory("fleet-redis-").FullName;
        var local = new RedisServer(options, options.BindAddress, options.Port > 0 ? options.Port : FreePort(options.BindAddress), executable, directory);
        try
        {
            await local.LaunchAsync(cancellationToken).ConfigureAwait(false);
            return local;
        }
        catch
        {
            await local.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Kills the server with SIGKILL, as a crash would; data written before is on disk (AOF).</summary>
    /// <param name="cancellationToken">Cancels the wait for the process to exit.</param>
    /// <returns>A task that completes when the process has exited.</returns>
    public async Task KillAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureControllable(nameof(KillAsync));
            await KillCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Kills the server if it runs and starts it again on the same port.</summary>
    /// <param name="keepData">Whether the data survives (the AOF is kept), or the server comes back empty.</param>
    /// <param name="cancellationToken">Cancels the restart.</param>
    /// <returns>A task that completes when the server answers PING again.</returns>
    public async Task RestartAsync(bool keepData, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureControllable(nameof(RestartAsync));
            await KillCoreAsync(cancellationToken).ConfigureAwait(false);
            if (!keepData)
            {
                foreach (var entry in new DirectoryInfo(DataDirectory!).EnumerateFileSystemInfos())
                {
                    if (entry is DirectoryInfo dir)
                    {
                        dir.Delete(recursive: true);
                    }
                    else
                    {
                        entry.Delete();
                    }
                }
            }

            await LaunchAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Freezes the server with SIGSTOP: connections stay open but nothing answers, like a hung server.</summary>
    /// <param name="cancellationToken">Cancels the wait for the lock.</param>
    /// <returns>A task that completes once the signal is sent.</returns>
    public async Task PauseAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var process = RunningProcess(nameof(PauseAsync));
            if (!_paused)
            {
                ChildProcesses.Stop(process.Id);
                _paused = true;
                LogPaused(_logger, process.Id);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Lets a paused server run again with SIGCONT; it answers what was sent meanwhile.</summary>
    /// <param name="cancellationToken">Cancels the wait for the lock.</param>
    /// <returns>A task that completes once the signal is sent.</returns>
    public async Task ResumeAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var process = RunningProcess(nameof(ResumeAsync));
            if (_paused)
            {
                ChildProcesses.Continue(process.Id);
                _paused = false;
                LogResumed(_logger, process.Id);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Kills the process and deletes its directory. An external server is left alone.</summary>
    /// <returns>A task that completes when everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!IsExternal)
            {
                await KillCoreAsync(CancellationToken.None).ConfigureAwait(false);
                DeleteDirectory();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    internal static int FreePort(string bindAddress)
    {
        using var probe = new Socket(SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Parse(bindAddress), 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        // A sentinel is redis-server with its (rewritable) configuration file first and --sentinel.
        var arguments = _options.SentinelConfigurationFile is { } sentinel ? new List<string> { sentinel, "--sentinel" } : [];
        arguments.AddRange(
        [
            "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--bind", Host,
            "--dir", DataDirectory!,
            "--logfile", Path.Combine(DataDirectory!, "redis.log"),
            "--daemonize", "no",
            "--protected-mode", "no",
            "--save", string.Empty,

            // Append-only file without fsync: every write a client saw acknowledged has reached the
            // OS, so it survives SIGKILL (RestartAsync(keepData: true)) at no cost per write.
            "--appendonly", "yes",
            "--appendfsync", "no",
        ]);
        arguments.AddRange(_options.Arguments);

        if (!ChildProcesses.TiedToParent)
        {
            LogNotTied(_logger);
        }

        var process = await ChildProcesses.StartAsync(_executable!, arguments, DataDirectory!).ConfigureAwait(false);
        // redis-server logs to its file; anything it still prints is drained so a full pipe never blocks it.
        process.OutputDataReceived += Discard;
        process.ErrorDataReceived += Discard;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        _paused = false;
        await WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
        LogStarted(_logger, process.Id, ConnectionString, DataDirectory!);
    }

    private static void Discard(object sender, DataReceivedEventArgs line)
    {
        // Read and dropped on purpose: the log file holds what matters.
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var time = _options.TimeProvider;
        var started = time.GetTimestamp();
        var reason = "no answer yet";
        while (true)
        {
            if (_process is { HasExited: true } exited)
            {
                throw TestingErrors.RedisDidNotStart(ConnectionString, time.GetElapsedTime(started), $"it exited with code {exited.ExitCode}", LogTail());
            }

            try
            {
                var reply = await RedisProbe.PingAsync(Host, Port, RedisServerConstants.ProbeTimeout, cancellationToken).ConfigureAwait(false);
                if (reply == "+PONG")
                {
                    return;
                }

                reason = $"it answered '{reply}'";
            }
            catch (Exception ex) when (ex is SocketException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                reason = ex.Message;
            }

            var waited = time.GetElapsedTime(started);
            if (waited >= _options.StartTimeout)
            {
                throw IsExternal
                    ? TestingErrors.ExternalRedisUnreachable(ConnectionString, waited, reason)
                    : TestingErrors.RedisDidNotStart(ConnectionString, waited, reason, LogTail());
            }

            await Task.Delay(RedisServerConstants.PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task KillCoreAsync(CancellationToken cancellationToken)
    {
        if (_process is not { } process)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            LogKilled(_logger, process.Id);
        }

        process.Dispose();
        _process = null;
        _paused = false;
    }

    private Process RunningProcess(string operation)
    {
        EnsureControllable(operation);
        return _process is { HasExited: false } process ? process : throw TestingErrors.RedisNotRunning(operation);
    }

    private void EnsureControllable(string operation)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (IsExternal)
        {
            throw TestingErrors.ExternalRedisNotControllable(ConnectionString, operation);
        }
    }

    private string LogTail()
    {
        var log = Path.Combine(DataDirectory ?? string.Empty, "redis.log");
        try
        {
            return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(8)) : string.Empty;
        }
        catch (IOException ex)
        {
            return $"(its log {log} could not be read: {ex.Message})";
        }
    }

    private void DeleteDirectory()
    {
        try
        {
            Directory.Delete(DataDirectory!, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogDirectoryLeft(_logger, DataDirectory!, ex.Message);
        }
    }

    [LoggerMessage(EventId = 9020, Level = LogLevel.Information, Message = "redis-server {Pid} answers on {Endpoint}; its directory is {Directory}.")]
    private static partial void LogStarted(ILogger logger, int pid, string endpoint, string directory);

    [LoggerMessage(EventId = 9021, Level = LogLevel.Warning, Message = "setpriv (util-linux) was not found: a redis-server started by this process outlives it if the process is killed before disposing it. Install util-linux to have the kernel kill it.")]
    private static partial void LogNotTied(ILogger logger);

    [LoggerMessage(EventId = 9022, Level = LogLevel.Information, Message = "redis-server {Pid} killed.")]
    private static partial void LogKilled(ILogger logger, int pid);

    [LoggerMessage(EventId = 9023, Level = LogLevel.Information, Message = "redis-server {Pid} paused (SIGSTOP).")]
    private static partial void LogPaused(ILogger logger, int pid);

    [LoggerMessage(EventId = 9024, Level = LogLevel.Information, Message = "redis-server {Pid} resumed (SIGCONT).")]
    private static partial void LogResumed(ILogger logger, int pid);

    [LoggerMessage(EventId = 9025, Level = LogLevel.Warning, Message = "The redis-server directory {Directory} could not be deleted ({Reason}); the OS temp cleaner will remove it.")]
    private static partial void LogDirectoryLeft(ILogger logger, string directory, string reason);
}
