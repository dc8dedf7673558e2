using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Testing;

/// <summary>
/// An in-process TCP fault proxy that speaks Toxiproxy's HTTP API (version 2.12.0): any Toxiproxy
/// client can create proxies on it and add latency, bandwidth limits, timeouts, resets and the
/// other toxics. Disposing it stops the API and closes every proxy and connection.
/// </summary>
/// <example>
/// <code>
/// await using var faults = await FaultProxyServer.StartAsync();
/// using var toxiproxy = faults.CreateClient();
/// var redis = await toxiproxy.CreateProxyAsync("redis", "127.0.0.1:0", "127.0.0.1:6379");
/// await toxiproxy.AddToxicAsync("redis", ToxiproxyToxic.Latency(TimeSpan.FromMilliseconds(200)));
/// </code>
/// </example>
public sealed partial class FaultProxyServer : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);
    private readonly WebApplication _app;
    private readonly ToxiproxyApi _api;
    private int _disposed;

    private FaultProxyServer(WebApplication app, ToxiproxyApi api, IPEndPoint endpoint)
    {
        _app = app;
        _api = api;
        ApiEndPoint = endpoint;
        ApiUri = new Uri($"http://{ProxyAddress.Format(endpoint)}/");
    }

    /// <summary>Gets the version of Toxiproxy whose API this server reproduces.</summary>
    public static string ToxiproxyVersion => ToxiproxyApi.Version;

    /// <summary>Gets the base address of the HTTP API, for example <c>http://127.0.0.1:8474/</c>.</summary>
    public Uri ApiUri { get; }

    /// <summary>Gets the endpoint the HTTP API is bound to.</summary>
    public IPEndPoint ApiEndPoint { get; }

    /// <summary>Starts a server on a free loopback port.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server.</returns>
    public static Task<FaultProxyServer> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(new FaultProxyServerOptions(), cancellationToken);

    /// <summary>Starts a server as <paramref name="options"/> say.</summary>
    /// <param name="options">Where to serve the API, and what to log to.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="ArgumentException">The host is not an IP address or <c>localhost</c>, or the port is out of range.</exception>
    /// <exception cref="IOException">The API address cannot be bound (for example, the port is in use).</exception>
    public static async Task<FaultProxyServer> StartAsync(FaultProxyServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var address = ParseHost(options.Host);
        if (options.Port is < 0 or > IPEndPoint.MaxPort)
        {
            throw TestingErrors.InvalidApiPort(options.Port);
        }

        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(loggerFactory);

        // No ConsoleLifetime: a library must not take over the process's Ctrl+C and SIGTERM.
        builder.Services.AddSingleton<IHostLifetime, PassiveLifetime>();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = FaultProxyConstants.MaxRequestBodyBytes;
            kestrel.Listen(address, options.Port);
        });

        var app = builder.Build();
        var api = new ToxiproxyApi(options.TimeProvider, loggerFactory);
        app.Run(api.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            api.Dispose();
            throw TestingErrors.ApiBindFailed(options.Host, options.Port, ex);
        }

        var bound = app.Urls.Select(u => new Uri(u)).First();
        var server = new FaultProxyServer(app, api, new IPEndPoint(address, bound.Port));
        LogListening(loggerFactory.CreateLogger<FaultProxyServer>(), server.ApiUri, ToxiproxyApi.Version);
        return server;
    }

    /// <summary>Creates a client for this server's API; dispose it when done.</summary>
    /// <returns>A client bound to <see cref="ApiUri"/>.</returns>
    public ToxiproxyClient CreateClient() => new(ApiUri);

    /// <summary>Stops the API and every proxy, closing all their connections.</summary>
    /// <returns>A task that completes when everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _api.Dispose();
        using (var timeout = new CancellationTokenSource(StopTimeout))
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static IPAddress ParseHost(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        return IPAddress.TryParse(host, out var address) ? address : throw TestingErrors.InvalidApiHost(host);
    }

    /// <summary>A host lifetime that listens to no signal: the owner of the server decides when it stops.</summary>
    private sealed class PassiveLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [LoggerMessage(EventId = 9011, Level = LogLevel.Information, Message = "Fault proxy serving the Toxiproxy {Version} API at {ApiUri}.")]
    private static partial void LogListening(ILogger logger, Uri apiUri, string version);
}
