using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Fleet.Sdk.Testing.Tests;

/// <summary>A fresh fault proxy server per test, with a raw HTTP client (to see status codes and bodies exactly) and a typed one.</summary>
public abstract class ProxyTestBase : IAsyncLifetime
{
    private HttpClient? _http;

    protected FaultProxyServer Server { get; private set; } = null!;

    protected ToxiproxyClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await FaultProxyServer.StartAsync();
        Client = Server.CreateClient();
        _http = new HttpClient { BaseAddress = Server.ApiUri };
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        Client.Dispose();
        await Server.DisposeAsync();
    }

    protected async Task<ApiResponse> CallAsync(string method, string path, string? body = null, string? userAgent = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/'));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (userAgent is not null)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        }

        using var response = await _http!.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new ApiResponse((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), text, response.Headers);
    }

    /// <summary>Creates a proxy on a free loopback port to <paramref name="upstream"/> and returns its bound listen address.</summary>
    protected async Task<ToxiproxyProxy> CreateAsync(string name, string upstream, bool enabled = true) =>
        await Client.CreateProxyAsync(name, "127.0.0.1:0", upstream, enabled);

    protected static int FreePort()
    {
        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        probe.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)probe.LocalEndPoint!).Port;
    }
}

public sealed record ApiResponse(int Status, string? ContentType, string Body, HttpResponseHeaders Headers)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    /// <summary>Toxiproxy's error body: <c>{"error": ..., "status": ...}</c>.</summary>
    public void AssertError(int status, string message)
    {
        Assert.Equal(status, Status);
        Assert.Equal(message, Json.GetProperty("error").GetString());
        Assert.Equal(status, Json.GetProperty("status").GetInt32());
    }
}
