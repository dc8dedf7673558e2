using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Testing;

/// <summary>How <see cref="RedisServer"/> finds, starts and waits for redis-server.</summary>
public sealed class RedisServerOptions
{
    /// <summary>Gets or sets the redis-server binary to run.</summary>
    /// <value>The default value is <see langword="null"/>: search PATH, then /usr/bin and /usr/local/bin.</value>
    public string? ExecutablePath { get; set; }

    /// <summary>Gets or sets a value indicating whether <c>FLEET_TEST_REDIS=host:port</c> replaces the local process with that external server.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UseExternalServerFromEnvironment { get; set; } = true;

    /// <summary>Gets or sets the loopback address redis-server binds.</summary>
    /// <value>The default value is <c>127.0.0.1</c>.</value>
    public string BindAddress { get; set; } = RedisServerConstants.DefaultBindAddress;

    /// <summary>Gets or sets the port redis-server listens on.</summary>
    /// <value>The default value is 0: a free port picked at start.</value>
    public int Port { get; set; }

    /// <summary>Gets or sets how long to wait for redis-server to answer PING after a start or restart.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan StartTimeout { get; set; } = RedisServerConstants.DefaultStartTimeout;

    /// <summary>Gets extra redis-server arguments, appended after the harness's own (for example <c>--maxmemory 64mb</c>).</summary>
    /// <value>The default value is empty.</value>
    public IList<string> Arguments { get; } = [];

    /// <summary>Gets or sets a Sentinel configuration file: when set, the server runs as a sentinel (<c>redis-server FILE --sentinel</c>), rewriting that file as it learns.</summary>
    internal string? SentinelConfigurationFile { get; set; }

    /// <summary>Gets or sets where the server's lifecycle is logged (event ids 9020-9029).</summary>
    /// <value>The default value is <see langword="null"/>: nothing is logged.</value>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Gets or sets the clock used to poll for readiness.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
