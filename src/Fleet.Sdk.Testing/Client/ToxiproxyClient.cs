using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Fleet.Sdk.Testing;

/// <summary>
/// A typed async client for Toxiproxy's HTTP API. It works against <see cref="FaultProxyServer"/>,
/// <c>fleet chaos serve</c>, and a real Toxiproxy server (for example one that Testcontainers
/// started); <see cref="FromEnvironment"/> follows <c>TOXIPROXY_URL</c>.
/// </summary>
public sealed class ToxiproxyClient : IDisposable
{
    /// <summary>The environment variable naming a Toxiproxy server to use instead of an in-process one.</summary>
    public const string UrlEnvironmentVariable = "TOXIPROXY_URL";

    private static readonly Version FirstPatchVersion = new(2, 6);
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly SemaphoreSlim _versionGate = new(1, 1);
    private HttpMethod? _updateMethod;

    /// <summary>Initializes a new instance of the <see cref="ToxiproxyClient"/> class for the API at <paramref name="baseAddress"/>.</summary>
    /// <param name="baseAddress">The API address, for example <c>http://127.0.0.1:8474</c>.</param>
    public ToxiproxyClient(Uri baseAddress)
        : this(new HttpClient { BaseAddress = EnsureTrailingSlash(baseAddress) }, ownsHttpClient: true)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ToxiproxyClient"/> class over an existing <see cref="HttpClient"/> whose <see cref="HttpClient.BaseAddress"/> is the API.</summary>
    /// <param name="httpClient">The client to send requests with; it is not disposed with this one.</param>
    public ToxiproxyClient(HttpClient httpClient)
        : this(httpClient, ownsHttpClient: false)
    {
    }

    private ToxiproxyClient(HttpClient httpClient, bool ownsHttpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(httpClient.BaseAddress, nameof(httpClient) + "." + nameof(HttpClient.BaseAddress));
        _http = httpClient;
        _ownsHttp = ownsHttpClient;
        BaseAddress = httpClient.BaseAddress;
    }

    /// <summary>Gets the API address.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets the server named by <c>TOXIPROXY_URL</c>, or <see langword="null"/> when it is not set.</summary>
    /// <exception cref="ArgumentException"><c>TOXIPROXY_URL</c> is set but is not an absolute http(s) URL.</exception>
    public static Uri? EnvironmentUrl
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(UrlEnvironmentVariable);
            if (string.IsNullOrWhiteSpace(value))
            {
                return null;
            }

            return Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                ? uri
                : throw TestingErrors.InvalidToxiproxyUrl(value);
        }
    }

    /// <summary>Creates a client for <c>TOXIPROXY_URL</c>, or for Toxiproxy's default <c>http://127.0.0.1:8474</c> when it is not set.</summary>
    /// <returns>The client.</returns>
    public static ToxiproxyClient FromEnvironment() =>
        new(EnvironmentUrl ?? new Uri($"http://{FaultProxyConstants.DefaultHost}:{FaultProxyConstants.ToxiproxyPort}/"));

    /// <summary>Gets the server's version, for example <c>2.12.0</c>.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The version string.</returns>
    public async Task<string> GetVersionAsync(CancellationToken cancellationToken = default)
    {
        using var json = await SendAsync(HttpMethod.Get, "version", null, cancellationToken).ConfigureAwait(false);
        var root = json!.RootElement;
        return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.String
            ? version.GetString()!
            : root.ToString();
    }

    /// <summary>Lists every proxy by name.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The proxies.</returns>
    public async Task<IReadOnlyDictionary<string, ToxiproxyProxy>> GetProxiesAsync(CancellationToken cancellationToken = default)
    {
        using var json = await SendAsync(HttpMethod.Get, "proxies", null, cancellationToken).ConfigureAwait(false);
        return json!.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => ReadProxy(p.Value), StringComparer.Ordinal);
    }

    /// <summary>Gets one proxy.</summary>
    /// <param name="name">The proxy name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The proxy.</returns>
    /// <exception cref="ToxiproxyException">404 when there is no such proxy.</exception>
    public async Task<ToxiproxyProxy> GetProxyAsync(string name, CancellationToken cancellationToken = default)
    {
        using var json = await SendAsync(HttpMethod.Get, ProxyPath(name), null, cancellationToken).ConfigureAwait(false);
        return ReadProxy(json!.RootElement);
    }

    /// <summary>Creates a proxy; an enabled one is listening when this returns.</summary>
    /// <param name="name">The unique name.</param>
    /// <param name="listen">Where to listen, <c>host:port</c>; port 0 picks a free port (read it from the result).</param>
    /// <param name="upstream">Where to forward, <c>host:port</c>.</param>
    /// <param name="enabled">Whether to start listening at once.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The proxy, with its bound listen address.</returns>
    /// <exception cref="ToxiproxyException">409 when the name is taken, 500 when the address cannot be bound.</exception>
    public Task<ToxiproxyProxy> CreateProxyAsync(string name, string listen, string upstream, bool enabled = true, CancellationToken cancellationToken = default) =>
        CreateProxyAsync(new ToxiproxyProxy { Name = name, Listen = listen, Upstream = upstream, Enabled = enabled }, cancellationToken);

    /// <summary>Creates a proxy from a definition (its toxics are ignored).</summary>
    /// <param name="proxy">The name, addresses and state.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The proxy, with its bound listen address.</returns>
    public async Task<ToxiproxyProxy> CreateProxyAsync(ToxiproxyProxy proxy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        using var json = await SendAsync(HttpMethod.Post, "proxies", Write(w => WriteProxy(w, proxy)), cancellationToken).ConfigureAwait(false);
        return ReadProxy(json!.RootElement);
    }

    /// <summary>Creates or replaces proxies in one call; an unchanged existing proxy keeps its toxics and state.</summary>
    /// <param name="proxies">The proxies, applied in order.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The proxies, in input order.</returns>
    public async Task<IReadOnlyList<ToxiproxyProxy>> PopulateAsync(IEnumerable<ToxiproxyProxy> proxies, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(proxies);
        var body = Write(w =>
        {
            w.WriteStartArray();
            foreach (var proxy in proxies)
            {
                WriteProxy(w, proxy);
            }

            w.WriteEndArray();
        });
        using var json = await SendAsync(HttpMethod.Post, "populate", body, cancellationToken).ConfigureAwait(false);
        return json!.RootElement.GetProperty("proxies").EnumerateArray().Select(ReadProxy).ToList();
    }

    /// <summary>Changes a proxy; fields left <see langword="null"/> keep their value. New addresses drop its connections.</summary>
    /// <param name="name">The proxy name.</param>
    /// <param name="listen">A new listen address.</param>
    /// <param name="upstream">A new upstream address.</param>
    /// <param name="enabled">Whether it accepts connections.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The updated proxy.</returns>
    public async Task<ToxiproxyProxy> UpdateProxyAsync(string name, string? listen = null, string? upstream = null, bool? enabled = null, CancellationToken cancellationToken = default)
    {
        var body = Write(w =>
        {
            w.WriteStartObject();
            WriteIfSet(w, "listen", listen);
            WriteIfSet(w, "upstream", upstream);
            if (enabled is { } value)
            {
                w.WriteBoolean("enabled", value);
            }

            w.WriteEndObject();
        });
        var method = await UpdateMethodAsync(cancellationToken).ConfigureAwait(false);
        using var json = await SendAsync(method, ProxyPath(name), body, cancellationToken).ConfigureAwait(false);
        return ReadProxy(json!.RootElement);
    }

    /// <summary>Starts a disabled proxy listening again (on the same port).</summary>
    /// <param name="name">The proxy name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The proxy.</returns>
    public Task<ToxiproxyProxy> EnableProxyAsync(string name, CancellationToken cancellationToken = default) =>
        UpdateProxyAsync(name, enabled: true, cancellationToken: cancellationToken);

    /// <summary>Takes a proxy down: new connections are refused and open ones closed; toxics are kept.</summary>
    /// <param name="name">The proxy name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The proxy.</returns>
    public Task<ToxiproxyProxy> DisableProxyAsync(string name, CancellationToken cancellationToken = default) =>
        UpdateProxyAsync(name, enabled: false, cancellationToken: cancellationToken);

    /// <summary>Deletes a proxy, closing its listener and connections.</summary>
    /// <param name="name">The proxy name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the proxy is gone.</returns>
    public async Task DeleteProxyAsync(string name, CancellationToken cancellationToken = default)
    {
        using var json = await SendAsync(HttpMethod.Delete, ProxyPath(name), null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists a proxy's toxics, upstream first.</summary>
    /// <param name="proxy">The proxy name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The toxics.</returns>
    public async Task<IReadOnlyList<ToxiproxyToxic>> GetToxicsAsync(string proxy, CancellationToken cancellationToken = default)
    {
        using var json = await SendAsync(HttpMethod.Get, ProxyPath(proxy) + "/toxics", null, cancellationToken).ConfigureAwait(false);
        return json!.RootElement.EnumerateArray().Select(ReadToxic).ToList();
    }

    /// <summary>Gets one toxic.</summary>
    /// <param name="proxy">The proxy name.</param>
    /// <param name="toxic">The toxic name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The toxic.</returns>
    public async Task<ToxiproxyToxic> GetToxicAsync(string proxy, string toxic, CancellationToken cancellationToken = default)
    {
        using var json = await SendAsync(HttpMethod.Get, ToxicPath(proxy, toxic), null, cancellationToken).ConfigureAwait(false);
        return ReadToxic(json!.RootElement);
    }

    /// <summary>Adds a toxic; it applies at once to new and open connections.</summary>
    /// <param name="proxy">The proxy name.</param>
    /// <param name="toxic">The toxic (see the factory methods of <see cref="ToxiproxyToxic"/>).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The toxic as the server stored it (with its name and every attribute).</returns>
    /// <exception cref="ToxiproxyException">409 when a toxic of that name exists, 400 for an invalid type, stream or attribute.</exception>
    public async Task<ToxiproxyToxic> AddToxicAsync(string proxy, ToxiproxyToxic toxic, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(toxic);
        var body = Write(w =>
        {
            w.WriteStartObject();
            WriteIfSet(w, "name", toxic.Name);
            w.WriteString("type", toxic.Type);
            w.WriteString("stream", StreamName(toxic.Stream));
            w.WriteNumber("toxicity", toxic.Toxicity);
            WriteAttributes(w, toxic.Attributes);
            w.WriteEndObject();
        });
        using var json = await SendAsync(HttpMethod.Post, ProxyPath(proxy) + "/toxics", body, cancellationToken).ConfigureAwait(false);
        return ReadToxic(json!.RootElement);
    }

    /// <summary>Changes a toxic's attributes (merged key by key) and toxicity (<see langword="null"/> keeps it).</summary>
    /// <param name="proxy">The proxy name.</param>
    /// <param name="toxic">The toxic name.</param>
    /// <param name="attributes">The attributes to change.</param>
    /// <param name="toxicity">A new toxicity.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The updated toxic.</returns>
    public async Task<ToxiproxyToxic> UpdateToxicAsync(string proxy, string toxic, IReadOnlyDictionary<string, long>? attributes = null, float? toxicity = null, CancellationToken cancellationToken = default)
    {
        var body = Write(w =>
        {
            w.WriteStartObject();
            if (toxicity is { } value)
            {
                w.WriteNumber("toxicity", value);
            }

            WriteAttributes(w, attributes ?? new Dictionary<string, long>());
            w.WriteEndObject();
        });
        var method = await UpdateMethodAsync(cancellationToken).ConfigureAwait(false);
        using var json = await SendAsync(method, ToxicPath(proxy, toxic), body, cancellationToken).ConfigureAwait(false);
        return ReadToxic(json!.RootElement);
    }

    /// <summary>Removes a toxic; what it held is flushed, and a removed timeout closes the connections it held.</summary>
    /// <param name="proxy">The proxy name.</param>
    /// <param name="toxic">The toxic name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the toxic is gone.</returns>
    public async Task RemoveToxicAsync(string proxy, string toxic, CancellationToken cancellationToken = default)
    {
        using var json = await SendAsync(HttpMethod.Delete, ToxicPath(proxy, toxic), null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Enables every proxy and removes every toxic; proxies are kept.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the server is reset.</returns>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        using var json = await SendAsync(HttpMethod.Post, "reset", null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _versionGate.Dispose();
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private static Uri EnsureTrailingSlash(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }

    private static string ProxyPath(string name) => "proxies/" + Uri.EscapeDataString(name);

    private static string ToxicPath(string proxy, string toxic) => ProxyPath(proxy) + "/toxics/" + Uri.EscapeDataString(toxic);

    private static string StreamName(ToxicStream stream) => stream == ToxicStream.Upstream ? "upstream" : "downstream";

    /// <summary>Toxiproxy 2.6 and later take PATCH for updates; older ones only POST.</summary>
    private async Task<HttpMethod> UpdateMethodAsync(CancellationToken cancellationToken)
    {
        if (_updateMethod is { } known)
        {
            return known;
        }

        await _versionGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_updateMethod is null)
            {
                var text = await GetVersionAsync(cancellationToken).ConfigureAwait(false);
                var core = new string(text.TrimStart('v').TakeWhile(c => char.IsDigit(c) || c == '.').ToArray());
                _updateMethod = Version.TryParse(core, out var version) && version >= FirstPatchVersion ? HttpMethod.Patch : HttpMethod.Post;
            }

            return _updateMethod;
        }
        finally
        {
            _versionGate.Release();
        }
    }

    private async Task<JsonDocument?> SendAsync(HttpMethod method, string path, byte[]? body, CancellationToken cancellationToken)
    {
        var uri = new Uri(BaseAddress, path);
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Fleet.Sdk.Testing", typeof(ToxiproxyClient).Assembly.GetName().Version?.ToString(3) ?? "0"));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        HttpResponseMessage response;
        string text;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw TestingErrors.ApiUnreachable(method.Method, uri, ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw TestingErrors.ApiError(method.Method, uri, (int)response.StatusCode, ReadError(text), text);
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            try
            {
                return JsonDocument.Parse(text);
            }
            catch (JsonException ex)
            {
                throw TestingErrors.InvalidApiResponse(method.Method, uri, ex.Message);
            }
        }
    }

    private static string? ReadError(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && TryGet(json.RootElement, "error", out var error) && error.ValueKind == JsonValueKind.String
                ? error.GetString()
                : null;
        }
        catch (JsonException)
        {
            // Not JSON (a 404 page, a 405 with no body): the status and raw body tell the story.
            return null;
        }
    }

    private static ToxiproxyProxy ReadProxy(JsonElement json) => new()
    {
        Name = GetString(json, "name"),
        Listen = GetString(json, "listen"),
        Upstream = GetString(json, "upstream"),
        Enabled = TryGet(json, "enabled", out var enabled) && enabled.ValueKind == JsonValueKind.True,
        Toxics = TryGet(json, "toxics", out var toxics) && toxics.ValueKind == JsonValueKind.Array
            ? toxics.EnumerateArray().Select(ReadToxic).ToList()
            : [],
    };

    private static ToxiproxyToxic ReadToxic(JsonElement json)
    {
        var attributes = new Dictionary<string, long>(StringComparer.Ordinal);
        if (TryGet(json, "attributes", out var values) && values.ValueKind == JsonValueKind.Object)
        {
            foreach (var attribute in values.EnumerateObject())
            {
                if (attribute.Value.ValueKind == JsonValueKind.Number && attribute.Value.TryGetDouble(out var number))
                {
                    attributes[attribute.Name] = (long)number;
                }
            }
        }

        return new ToxiproxyToxic
        {
            Name = GetString(json, "name"),
            Type = GetString(json, "type"),
            Stream = string.Equals(GetString(json, "stream"), "upstream", StringComparison.OrdinalIgnoreCase) ? ToxicStream.Upstream : ToxicStream.Downstream,
            Toxicity = TryGet(json, "toxicity", out var toxicity) && toxicity.ValueKind == JsonValueKind.Number ? toxicity.GetSingle() : 1f,
            Attributes = attributes,
        };
    }

    private static string GetString(JsonElement json, string name) =>
        TryGet(json, name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;

    private static bool TryGet(JsonElement json, string name, out JsonElement value)
    {
        foreach (var property in json.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    private static void WriteProxy(Utf8JsonWriter w, ToxiproxyProxy proxy)
    {
        w.WriteStartObject();
        w.WriteString("name", proxy.Name);
        w.WriteString("listen", proxy.Listen);
        w.WriteString("upstream", proxy.Upstream);
        w.WriteBoolean("enabled", proxy.Enabled);
        w.WriteEndObject();
    }

    private static void WriteAttributes(Utf8JsonWriter w, IReadOnlyDictionary<string, long> attributes)
    {
        w.WriteStartObject("attributes");
        foreach (var (key, value) in attributes)
        {
            w.WriteNumber(key, value);
        }

        w.WriteEndObject();
    }

    private static void WriteIfSet(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
