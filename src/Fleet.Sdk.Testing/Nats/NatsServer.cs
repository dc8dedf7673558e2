using System.Globalization;
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
    private readonly ServerProcess _server = new();
    private readonly string _executable;

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
    public int? ProcessId => _server.Id;

    /// <summary>Gets a value indicating whether the server process is running (paused counts as running).</summary>
    public bool IsRunning => _server.IsRunning;

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
        var port = options.Port != 0 ? options.Port : ServerProcess.FreePort(options.BindAddress);
        var server = new NatsServer(options, executable, directory, port, ServerProcess.FreePort(options.BindAddress));
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
    public Task KillAsync(CancellationToken cancellationToken = default) => _server.LockedAsync(
        () =>
        {
            ObjectDisposedException.ThrowIf(_server.IsDisposed, this);
            return KillCoreAsync(cancellationToken);
        },
        cancellationToken);

    /// <summary>
    /// Stops the server cleanly with SIGTERM, as a service manager would for maintenance: nats-server first hands the
    /// JetStream leaderships it holds to other nodes, then exits. Its store stays on disk.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait for the process to exit.</param>
    /// <returns>A task that completes when the process has exited.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default) => _server.LockedAsync(
        async () =>
        {
            EnsureRunning(nameof(StopAsync));
            var pid = await _server.TerminateAsync(cancellationToken).ConfigureAwait(false);
            LogStopped(_logger, pid, Name);
        },
        cancellationToken);

    /// <summary>Kills the server if it runs and starts it again on the same ports.</summary>
    /// <param name="keepData">Whether the JetStream store survives, or the server comes back empty.</param>
    /// <param name="cancellationToken">Cancels the restart.</param>
    /// <returns>A task that completes when the server accepts clients again.</returns>
    public Task RestartAsync(bool keepData, CancellationToken cancellationToken = default) => _server.LockedAsync(
        async () =>
        {
            ObjectDisposedException.ThrowIf(_server.IsDisposed, this);
            await KillCoreAsync(cancellationToken).ConfigureAwait(false);
            var store = Path.Combine(DataDirectory, "js");
            if (!keepData && Directory.Exists(store))
            {
                Directory.Delete(store, recursive: true);
            }

            await LaunchAsync(cancellationToken).ConfigureAwait(false);
        },
        cancellationToken);

    /// <summary>Freezes the server with SIGSTOP: connections stay open but nothing answers, like a hung server.</summary>
    /// <param name="cancellationToken">Cancels the wait for the lock.</param>
    /// <returns>A task that completes once the signal is sent.</returns>
    public Task PauseAsync(CancellationToken cancellationToken = default) => _server.LockedAsync(
        () =>
        {
            EnsureRunning(nameof(PauseAsync));
            _server.Pause();
            return Task.CompletedTask;
        },
        cancellationToken);

    /// <summary>Lets a paused server run again with SIGCONT.</summary>
    /// <param name="cancellationToken">Cancels the wait for the lock.</param>
    /// <returns>A task that completes once the signal is sent.</returns>
    public Task ResumeAsync(CancellationToken cancellationToken = default) => _server.LockedAsync(
        () =>
        {
            EnsureRunning(nameof(ResumeAsync));
            _server.Resume();
            return Task.CompletedTask;
        },
        cancellationToken);

    /// <summary>Kills the process and deletes its directory.</summary>
    /// <returns>A task that completes when everything is released.</returns>
    public ValueTask DisposeAsync() => _server.DisposeOnceAsync(async () =>
    {
        await KillCoreAsync(CancellationToken.None).ConfigureAwait(false);
        if (ServerProcess.TryDeleteDirectory(DataDirectory) is { } reason)
        {
            LogDirectoryLeft(_logger, DataDirectory, reason);
        }
    });

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

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var configuration = Path.Combine(DataDirectory, "nats.conf");
        await File.WriteAllTextAsync(configuration, Configuration(), cancellationToken).ConfigureAwait(false);
        var pid = await _server.StartAsync(_executable, ["-c", configuration, "-l", LogFile], DataDirectory).ConfigureAwait(false);
        await WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
        LogStarted(_logger, pid, Name, Url, DataDirectory);
    }

    private string LogFile => Path.Combine(DataDirectory, "nats.log");

    /// <summary>Ready once the client port greets with INFO (JetStream in a cluster may still be electing its leader).</summary>
    private Task WaitUntilReadyAsync(CancellationToken cancellationToken) => _server.WaitUntilReadyAsync(
        GreetsAsync,
        _options.TimeProvider,
        _options.StartTimeout,
        PollInterval,
        (waited, reason) => TestingErrors.NatsDidNotStart(Url, waited, reason, ServerProcess.LogTail(LogFile)),
        cancellationToken);

    private async Task<string?> GreetsAsync(CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(1));
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(Host, Port, limit.Token).ConfigureAwait(false);
        var buffer = new byte[8];
        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token).ConfigureAwait(false);
        return read >= 4 && Encoding.ASCII.GetString(buffer, 0, 4) == "INFO" ? null : "it did not greet with INFO";
    }

    private async Task KillCoreAsync(CancellationToken cancellationToken)
    {
        if (await _server.KillAsync(cancellationToken).ConfigureAwait(false) is { } pid)
        {
            LogKilled(_logger, pid, Name);
        }
    }

    private void EnsureRunning(string operation)
    {
        ObjectDisposedException.ThrowIf(_server.IsDisposed, this);
        if (!_server.IsRunning)
        {
            throw TestingErrors.NatsNotRunning(operation);
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
