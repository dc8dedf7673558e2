using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Hosting;

/// <summary>
/// Kestrel on the agent's health port, without the ASP.NET Core application model: one request
/// delegate, no middleware pipeline and no second container, so that it adds little to start-up
/// and stays out of the agent's own use of ASP.NET Core if it has one.
/// </summary>
internal sealed class HealthHttpServer(AgentHttpEndpoints endpoints) : IAsyncDisposable
{
    private KestrelServer? _server;

    public Uri? Address { get; private set; }

    public async Task StartAsync(IPAddress address, int port, IServiceProvider services, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var options = new KestrelServerOptions { AddServerHeader = false, ApplicationServices = services };
        options.Limits.MaxRequestBodySize = 64 * 1024;
        options.Listen(address, port);
        var server = new KestrelServer(
            Options.Create(options),
            new SocketTransportFactory(Options.Create(new SocketTransportOptions()), loggerFactory),
            loggerFactory);
        try
        {
            await server.StartAsync(new Application(endpoints), cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            server.Dispose();
            throw new IOException(
                $"The health port {address}:{port} cannot be bound ({ex.Message}). Free the port, or change Fleet:Agent:HealthPort (Fleet:Hosting:HealthPort; 0 picks a free one).", ex);
        }

        _server = server;
        endpoints.LogAdminState();
        var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        Address = bound is null ? null : new Uri(bound.EndsWith('/') ? bound : bound + "/");
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _server, null) is { } server)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await server.StopAsync(timeout.Token).ConfigureAwait(false);
            server.Dispose();
        }
    }

    private sealed class Application(AgentHttpEndpoints endpoints) : IHttpApplication<HttpContext>
    {
        public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

        public Task ProcessRequestAsync(HttpContext context) => endpoints.HandleAsync(context);

        public void DisposeContext(HttpContext context, Exception? exception)
        {
        }
    }
}
