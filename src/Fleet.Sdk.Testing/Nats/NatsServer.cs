using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Testing;

/// <summary>
/// A real nats-server with JetStream for one test: its own process, loopback ports, configuration file and
/// store directory, accepting clients when <see cref="StartAsync(NatsServerOptions, CancellationToken)"/>
/// returns. With <see cref="NatsServerOptions.ClusterPort"/> and routes it is one node of a cluster. It can be
/// killed, restarted with or without its data, and paused (SIGSTOP) to play a hung server. Disposing it
/// kills the process and deletes the directory; if the test process dies first, the kernel kills the server too.
/// </summary>
public sealed partial class NatsServer : IAsyncDisposable
{
    private static readonly string[] SearchDirectories = ["/usr/sbin", "/usr/bin", "/usr/local/bin"];
    /// <summary>The route address every cluster node advertises: nothing listens there, so no route bypasses the configured ones.</summary>
    internal const string UnreachableRouteAddress = "127.0.0.1:1";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly NatsServerOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _executable;
    private Process? _process;
    private bool _paused;
    private int _disposed;

    private NatsServer(NatsServerOptions options, string executable, string directory, int port, int monitorPort)
    {
        _options = options;
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<NatsServer>();
        _executable = executable;
        DataDirectory = directory;
        Host = options.BindAddress;
        Port = port;
        MonitorPort = monitorPort;
        Name = options.ServerName ?? string.Create(CultureInfo.InvariantCulture, $"n{port}");
    }

    /// <summary>Gets the server's name.</summary>
    public string Name { get; }

    /// <summary>Gets the host clients connect to.</summary>
    public string Host { get; }

    /// <summary>Gets the client port.</summary>
    public int Port { get; }

    /// <summary>Gets the HTTP monitoring port (<c>/varz</c>, <c>/jsz</c>, <c>/healthz</c>).</summary>
    public int MonitorPort { get; }

    /// <summary>Gets the client URL, <c>nats://host:port</c>.</summary>
    public string Url => string.Create(CultureInfo.InvariantCulture, $"nats://{Host}:{Port}");

    /// <summary>Gets the server's directory (configuration, log, JetStream store).</summary>
    public string DataDirectory { get; }

    /// <summary>Gets the process id, or <see langword="null"/> when killed.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>Gets a value indicating whether the server process is running (paused counts as running).</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Finds the nats-server binary: PATH, then /usr/sbin, /usr/bin and /usr/local/bin.</summary>
    /// <returns>Its path, or <see langword="null"/> when it is not installed.</returns>
    public static string? FindExecutable() => ChildProcesses.Which("nats-server", SearchDirectories);

    /// <summary>Starts a single nats-server with JetStream on a free loopback port.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The server, accepting clients.</returns>
    public static Task<NatsServer> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(new NatsServerOptions(), cancellationToken);

    /// <summary>Starts a nats-server with JetStream.</summary>
    /// <param name="options">Where the binary is, ports, cluster routes, how long to wait.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The server, accepting clients.</returns>
    /// <exception cref="FileNotFoundException">nats-server is not installed (the message says how to install it).</exception>
    /// <exception cref="InvalidOperationException">The server did not accept clients in time (the message holds its log).</exception>
    public static async Task<NatsServer> StartAsync(NatsServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var executable = options.ExecutablePath ?? FindExecutable();
        if (executable is null || !File.Exists(executable))
        {
            throw TestingErrors.NatsServerNotFound(options.ExecutablePath);
        }

        var directory = Directory.CreateTempSubdirectory("fleet-nats-").FullName;
        var port = options.Port != 0 ? options.Port : FreePort(options.BindAddress);
        var server = new NatsServer(options, executable, directory, port, FreePort(options.BindAddress));
        try
        {
            await server.LaunchAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Kills the server with SIGKILL, as a crash would; its JetStream store stays on disk.</summary>
    /// <param name="cancellationToken">Cancels the wait for the process to exit.</param>
    /// <returns>A task that completes when the process has exited.</returns>
    public async Task KillAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            await KillCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Stops the server cleanly with SIGTERM, as a service manager would for maintenance: nats-server first hands the
    /// JetStream leaderships it holds to other nodes, then exits. Its store stays on disk.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait for the process to exit.</param>
    /// <returns>A task that completes when the process has exited.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var process = RunningProcess(nameof(StopAsync));
            if (_paused)
            {
                ChildProcesses.Continue(process.Id);
                _paused = false;
            }

            ChildProcesses.Terminate(process.Id);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            LogStopped(_logger, process.Id, Name);
            process.Dispose();
            _process = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Kills the server if it runs and starts it again on the same ports.</summary>
    /// <param name="keepData">Whether the JetStream store survives, or the server comes back empty.</param>
    /// <param name="cancellationToken">Cancels the restart.</param>
    /// <returns>A task that completes when the server accepts clients again.</returns>
    public async Task RestartAsync(bool keepData, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            await KillCoreAsync(cancellationToken).ConfigureAwait(false);
            var store = Path.Combine(DataDirectory, "js");
            if (!keepData && Directory.Exists(store))
            {
                Directory.Delete(store, recursive: true);
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
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Lets a paused server run again with SIGCONT.</summary>
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
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Kills the process and deletes its directory.</summary>
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
            await KillCoreAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogDirectoryLeft(_logger, DataDirectory, ex.Message);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The configuration file: client, monitoring and (for a cluster node) route listeners, and JetStream's store.</summary>
    internal string Configuration()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"server_name: \"{Name}\"\n");
        text.Append(CultureInfo.InvariantCulture, $"listen: \"{Host}:{Port}\"\n");
        text.Append(CultureInfo.InvariantCulture, $"http: \"{Host}:{MonitorPort}\"\n");
        text.Append(CultureInfo.InvariantCulture, $"jetstream {{\n  store_dir: \"{Path.Combine(DataDirectory, "js")}\"\n  max_memory_store: 256MB\n  max_file_store: 1GB\n}}\n");
        if (_options.ClusterPort != 0)
        {
            // Servers gossip each other's route address, and a server not yet connected to a peer dials that address
            // directly (an "implicit route"), which would bypass the fault proxy and let a partition leak. Each node
            // therefore advertises an address nothing listens on (127.0.0.1:1 refuses at once; implicit routes are not
            // retried): the only routes are the configured ones, through the proxies.
            text.Append(CultureInfo.InvariantCulture, $"cluster {{\n  name: \"{_options.ClusterName}\"\n  listen: \"{Host}:{_options.ClusterPort}\"\n  advertise: \"{UnreachableRouteAddress}\"\n  no_advertise: true\n");
            text.Append("  routes: [\n");
            foreach (var route in _options.Routes)
            {
                text.Append(CultureInfo.InvariantCulture, $"    \"{route}\"\n");
            }

            text.Append("  ]\n}\n");
        }

        foreach (var line in _options.ExtraConfiguration)
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    internal static int FreePort(string bindAddress)
    {
        using var probe = new Socket(SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Parse(bindAddress), 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var configuration = Path.Combine(DataDirectory, "nats.conf");
        await File.WriteAllTextAsync(configuration, Configuration(), cancellationToken).ConfigureAwait(false);
        var process = await ChildProcesses.StartAsync(_executable, ["-c", configuration, "-l", LogFile], DataDirectory).ConfigureAwait(false);
        process.OutputDataReceived += Discard;
        process.ErrorDataReceived += Discard;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        _paused = false;
        await WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
        LogStarted(_logger, process.Id, Name, Url, DataDirectory);
    }

    private string LogFile => Path.Combine(DataDirectory, "nats.log");

    private static void Discard(object sender, DataReceivedEventArgs line)
    {
        // Read and dropped on purpose: the log file holds what matters.
    }

    /// <summary>Ready once the client port greets with INFO (JetStream in a cluster may still be electing its leader).</summary>
    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var time = _options.TimeProvider;
        var started = time.GetTimestamp();
        var reason = "no answer yet";
        while (true)
        {
            if (_process is { HasExited: true } exited)
            {
                throw TestingErrors.NatsDidNotStart(Url, time.GetElapsedTime(started), $"it exited with code {exited.ExitCode}", LogTail());
            }

            try
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                limit.CancelAfter(TimeSpan.FromSeconds(1));
                using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(Host, Port, limit.Token).ConfigureAwait(false);
                var buffer = new byte[8];
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token).ConfigureAwait(false);
                if (read >= 4 && Encoding.ASCII.GetString(buffer, 0, 4) == "INFO")
                {
                    return;
                }

                reason = "it did not greet with INFO";
            }
            catch (Exception ex) when (ex is SocketException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                reason = ex.Message;
            }

            var waited = time.GetElapsedTime(started);
            if (waited >= _options.StartTimeout)
            {
                throw TestingErrors.NatsDidNotStart(Url, waited, reason, LogTail());
            }

            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
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
            LogKilled(_logger, process.Id, Name);
        }

        process.Dispose();
        _process = null;
        _paused = false;
    }

    private Process RunningProcess(string operation)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return _process is { HasExited: false } process ? process : throw TestingErrors.NatsNotRunning(operation);
    }

    private string LogTail()
    {
        try
        {
            return File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(8)) : string.Empty;
        }
        catch (IOException ex)
        {
            return $"(its log {LogFile} could not be read: {ex.Message})";
        }
    }

    [LoggerMessage(EventId = 9040, Level = LogLevel.Information, Message = "nats-server {Pid} ({Name}) accepts clients on {Url}; its directory is {Directory}.")]
    private static partial void LogStarted(ILogger logger, int pid, string name, string url, string directory);

    [LoggerMessage(EventId = 9041, Level = LogLevel.Information, Message = "nats-server {Pid} ({Name}) killed.")]
    private static partial void LogKilled(ILogger logger, int pid, string name);

    [LoggerMessage(EventId = 9043, Level = LogLevel.Information, Message = "nats-server {Pid} ({Name}) stopped cleanly (SIGTERM).")]
    private static partial void LogStopped(ILogger logger, int pid, string name);

    [LoggerMessage(EventId = 9042, Level = LogLevel.Warning, Message = "The nats-server directory {Directory} could not be deleted ({Reason}); the OS temp cleaner will remove it.")]
    private static partial void LogDirectoryLeft(ILogger logger, string directory, string reason);
}
