using System.Globalization;
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
    private readonly ServerProcess _server = new();
    private readonly string? _executable;

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
    public int? ProcessId => _server.Id;

    /// <summary>Gets a value indicating whether the server process is running (paused counts as running).</summary>
    public bool IsRunning => IsExternal || _server.IsRunning;

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
        var local = new RedisServer(options, options.BindAddress, options.Port > 0 ? options.Port : ServerProcess.FreePort(options.BindAddress), executable, directory);
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
    public Task KillAsync(CancellationToken cancellationToken = default) => _server.LockedAsync(
        () =>
        {
            EnsureControllable(nameof(KillAsync));
            return KillCoreAsync(cancellationToken);
        },
        cancellationToken);

    /// <summary>Kills the server if it runs and starts it again on the same port.</summary>
    /// <param name="keepData">Whether the data survives (the AOF is kept), or the server comes back empty.</param>
    /// <param name="cancellationToken">Cancels the restart.</param>
    /// <returns>A task that completes when the server answers PING again.</returns>
    public Task RestartAsync(bool keepData, CancellationToken cancellationToken = default) => _server.LockedAsync(
        async () =>
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
        },
        cancellationToken);

    /// <summary>Freezes the server with SIGSTOP: connections stay open but nothing answers, like a hung server.</summary>
    /// <param name="cancellationToken">Cancels the wait for the lock.</param>
    /// <returns>A task that completes once the signal is sent.</returns>
    public Task PauseAsync(CancellationToken cancellationToken = default) => _server.LockedAsync(
        () =>
        {
            EnsureRunning(nameof(PauseAsync));
            if (_server.Pause() is { } pid)
            {
                LogPaused(_logger, pid);
            }

            return Task.CompletedTask;
        },
        cancellationToken);

    /// <summary>Lets a paused server run again with SIGCONT; it answers what was sent meanwhile.</summary>
    /// <param name="cancellationToken">Cancels the wait for the lock.</param>
    /// <returns>A task that completes once the signal is sent.</returns>
    public Task ResumeAsync(CancellationToken cancellationToken = default) => _server.LockedAsync(
        () =>
        {
            EnsureRunning(nameof(ResumeAsync));
            if (_server.Resume() is { } pid)
            {
                LogResumed(_logger, pid);
            }

            return Task.CompletedTask;
        },
        cancellationToken);

    /// <summary>Kills the process and deletes its directory. An external server is left alone.</summary>
    /// <returns>A task that completes when everything is released.</returns>
    public ValueTask DisposeAsync() => _server.DisposeOnceAsync(async () =>
    {
        if (!IsExternal)
        {
            await KillCoreAsync(CancellationToken.None).ConfigureAwait(false);
            if (ServerProcess.TryDeleteDirectory(DataDirectory!) is { } reason)
            {
                LogDirectoryLeft(_logger, DataDirectory!, reason);
            }
        }
    });

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

        var pid = await _server.StartAsync(_executable!, arguments, DataDirectory!).ConfigureAwait(false);
        await WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
        LogStarted(_logger, pid, ConnectionString, DataDirectory!);
    }

    private Task WaitUntilReadyAsync(CancellationToken cancellationToken) => _server.WaitUntilReadyAsync(
        async token =>
        {
            var reply = await RedisProbe.PingAsync(Host, Port, RedisServerConstants.ProbeTimeout, token).ConfigureAwait(false);
            return reply == "+PONG" ? null : $"it answered '{reply}'";
        },
        _options.TimeProvider,
        _options.StartTimeout,
        RedisServerConstants.PollInterval,
        (waited, reason) => IsExternal
            ? TestingErrors.ExternalRedisUnreachable(ConnectionString, waited, reason)
            : TestingErrors.RedisDidNotStart(ConnectionString, waited, reason, ServerProcess.LogTail(Path.Combine(DataDirectory!, "redis.log"))),
        cancellationToken);

    private async Task KillCoreAsync(CancellationToken cancellationToken)
    {
        if (await _server.KillAsync(cancellationToken).ConfigureAwait(false) is { } pid)
        {
            LogKilled(_logger, pid);
        }
    }

    private void EnsureRunning(string operation)
    {
        EnsureControllable(operation);
        if (!_server.IsRunning)
        {
            throw TestingErrors.RedisNotRunning(operation);
        }
    }

    private void EnsureControllable(string operation)
    {
        ObjectDisposedException.ThrowIf(_server.IsDisposed, this);
        if (IsExternal)
        {
            throw TestingErrors.ExternalRedisNotControllable(ConnectionString, operation);
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
