using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Testing;

/// <summary>Where a <see cref="FaultProxyServer"/> serves its Toxiproxy HTTP API, and what it logs to.</summary>
public sealed class FaultProxyServerOptions
{
    /// <summary>Gets or sets the address the HTTP API binds: an IP address or <c>localhost</c>.</summary>
    /// <value>The default value is <c>127.0.0.1</c>: loopback only.</value>
    public string Host { get; set; } = FaultProxyConstants.DefaultHost;

    /// <summary>Gets or sets the API port; 0 picks a free one (read it back from <see cref="FaultProxyServer.ApiUri"/>).</summary>
    /// <value>The default value is 0. Toxiproxy's own default, 8474, is what <c>fleet chaos serve</c> uses.</value>
    public int Port { get; set; }

    /// <summary>Gets or sets where proxies and the API log (event ids 9000-9019).</summary>
    /// <value>The default value is <see langword="null"/>: nothing is logged.</value>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Gets or sets the clock toxics wait on.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
