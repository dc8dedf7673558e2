using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Testing;

/// <summary>
/// Toxiproxy's HTTP API over the proxies of one server. Every request is answered, malformed
/// ones with Toxiproxy's status codes and bodies; state changes are serialised by one lock, as
/// they are quick (bind, close, swap a chain).
/// </summary>
internal sealed partial class ToxiproxyApi : IDisposable
{
    /// <summary>The Toxiproxy version this API reproduces; clients read it to choose PATCH over POST.</summary>
    public const string Version = "2.12.0";

    private const string RequestIdHeader = "X-Toxiproxy-Request-Id";
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, FaultProxy> _proxies = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly RequestIds _requestIds;

    public ToxiproxyApi(TimeProvider time, ILoggerFactory loggerFactory)
    {
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("Fleet.Sdk.Testing.FaultProxy");
        _requestIds = new RequestIds(time);
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        context.Response.Headers[RequestIdHeader] = _requestIds.Next();
        ApiResult result;
        try
        {
            if (request.Headers.UserAgent.ToString().StartsWith("Mozilla/", StringComparison.Ordinal))
            {
                // Toxiproxy refuses browsers, so a web page cannot drive it by cross-site requests.
                result = ApiResult.Text(StatusCodes.Status403Forbidden, "User agent not allowed\n");
            }
            else
            {
                var body = HttpMethods.IsPost(request.Method) || HttpMethods.IsPatch(request.Method)
                    ? await ReadBodyAsync(request, context.RequestAborted).ConfigureAwait(false)
                    : [];
                result = Dispatch(request.Method, request.Path.Value ?? "/", body);
            }
        }
        catch (ToxiproxyApiException ex)
        {
            result = ApiResult.Error(ex);
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's verdict on the request's framing or size (a body over the limit is a 413).
            result = ApiResult.Error(ex.StatusCode, ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"bad request body: larger than the API accepts ({FaultProxyConstants.MaxRequestBodyBytes} bytes)"
                : $"bad request: {ex.Message}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRequestFailed(_logger, request.Method, request.Path.Value ?? "/", ex);
            result = ApiResult.Error(StatusCodes.Status500InternalServerError, ex.Message);
        }

        await result.WriteAsync(context.Response, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Stops every proxy and closes every connection.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var proxy in _proxies.Values)
            {
                proxy.Stop();
            }

            _proxies.Clear();
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private ApiResult Dispatch(string method, string path, byte[] body)
    {
        var segments = path.Split('/');
        if (segments.Length < 2 || segments[0].Length != 0 || segments.Skip(1).Any(s => s.Length == 0))
        {
            return NotFound();
        }

        return (segments.Length, segments[1]) switch
        {
            (2, "reset") => Route(method, post: () => Reset()),
            (2, "proxies") => Route(method, get: ProxyIndex, post: () => ProxyCreate(body)),
            (2, "populate") => Route(method, post: () => Populate(body)),
            (2, "version") => Route(method, get: () => ApiResult.Raw(StatusCodes.Status200OK, "application/json;charset=utf-8", $"{{\"version\": \"{Version}\"}}\n")),
            (3, "proxies") => Route(method, get: () => ProxyShow(segments[2]), update: () => ProxyUpdate(segments[2], body), delete: () => ProxyDelete(segments[2])),
            (4, "proxies") when segments[3] == "toxics" => Route(method, get: () => ToxicIndex(segments[2]), post: () => ToxicCreate(segments[2], body)),
            (5, "proxies") when segments[3] == "toxics" => Route(
                method,
                get: () => ToxicShow(segments[2], segments[4]),
                update: () => ToxicUpdate(segments[2], segments[4], body),
                delete: () => ToxicDelete(segments[2], segments[4])),
            _ => NotFound(),
        };
    }

    /// <summary>Picks the handler for the method; a known path with another method is a 405 with no body.</summary>
    private static ApiResult Route(string method, Func<ApiResult>? get = null, Func<ApiResult>? post = null, Func<ApiResult>? update = null, Func<ApiResult>? delete = null)
    {
        var handler = method switch
        {
            _ when HttpMethods.IsGet(method) => get,
            _ when HttpMethods.IsPost(method) => post ?? update,
            _ when HttpMethods.IsPatch(method) => update,
            _ when HttpMethods.IsDelete(method) => delete,
            _ => null,
        };
        return handler is null ? ApiResult.Empty(StatusCodes.Status405MethodNotAllowed) : handler();
    }

    private static ApiResult NotFound() => ApiResult.Text(StatusCodes.Status404NotFound, "404 page not found\n");

    private ApiResult ProxyIndex()
    {
        lock (_gate)
        {
            return ApiResult.Ok(ApiJsonWriter.ProxyMap(_proxies.Values.Select(ProxyView.Of)));
        }
    }

    private ApiResult ProxyCreate(byte[] body)
    {
        var fields = new ProxyFields { Enabled = true };
        ApiJsonReader.ReadProxy(ApiJsonReader.Parse(body), fields);
        if (string.IsNullOrEmpty(fields.Name))
        {
            throw ToxiproxyApiException.MissingField("name");
        }

        if (string.IsNullOrEmpty(fields.Upstream))
        {
            throw ToxiproxyApiException.MissingField("upstream");
        }

        lock (_gate)
        {
            if (_proxies.ContainsKey(fields.Name))
            {
                throw ToxiproxyApiException.ProxyAlreadyExists();
            }

            var proxy = NewProxy(fields);
            if (fields.Enabled == true)
            {
                proxy.Start();
            }

            _proxies.Add(proxy.Name, proxy);
            return ApiResult.Ok(ApiJsonWriter.Proxy(ProxyView.Of(proxy)), StatusCodes.Status201Created);
        }
    }

    private ApiResult Populate(byte[] body)
    {
        IReadOnlyList<ProxyFields> entries;
        try
        {
            entries = ApiJsonReader.ReadPopulate(ApiJsonReader.Parse(body));
            for (var i = 0; i < entries.Count; i++)
            {
                if (string.IsNullOrEmpty(entries[i].Name))
                {
                    throw ToxiproxyApiException.MissingField($"name at proxy {i + 1}");
                }

                if (string.IsNullOrEmpty(entries[i].Upstream))
                {
                    throw ToxiproxyApiException.MissingField($"upstream at proxy {i + 1}");
                }
            }
        }
        catch (ToxiproxyApiException ex)
        {
            return ApiResult.Ok(ApiJsonWriter.Populate(null, ex), ex.StatusCode);
        }

        lock (_gate)
        {
            var applied = new List<ProxyView>(entries.Count);
            foreach (var entry in entries)
            {
                try
                {
                    applied.Add(ProxyView.Of(AddOrReplace(entry)));
                }
                catch (ToxiproxyApiException ex)
                {
                    // Stops at the first failure; the proxies applied before it stay.
                    return ApiResult.Ok(ApiJsonWriter.Populate(applied, ex), ex.StatusCode);
                }
            }

            return ApiResult.Ok(ApiJsonWriter.Populate(applied, null), StatusCodes.Status201Created);
        }
    }

    private FaultProxy AddOrReplace(ProxyFields entry)
    {
        if (_proxies.TryGetValue(entry.Name!, out var existing))
        {
            if (ProxyAddress.SameListen(entry.Listen ?? ProxyAddress.DefaultListen, existing.Listen)
                && string.Equals(entry.Upstream, existing.Upstream, StringComparison.Ordinal))
            {
                return existing;
            }

            existing.Stop();
            _proxies.Remove(existing.Name);
        }

        var proxy = NewProxy(entry);
        if (entry.Enabled ?? true)
        {
            proxy.Start();
        }

        _proxies.Add(proxy.Name, proxy);
        return proxy;
    }

    private ApiResult ProxyShow(string name)
    {
        lock (_gate)
        {
            return ApiResult.Ok(ApiJsonWriter.Proxy(ProxyView.Of(Get(name))));
        }
    }

    private ApiResult ProxyUpdate(string name, byte[] body)
    {
        lock (_gate)
        {
            var proxy = Get(name);
            var fields = new ProxyFields { Listen = proxy.Listen, Upstream = proxy.Upstream, Enabled = proxy.Enabled };
            ApiJsonReader.ReadProxy(ApiJsonReader.Parse(body), fields);
            var listen = string.IsNullOrEmpty(fields.Listen) ? ProxyAddress.DefaultListen : fields.Listen;
            var upstream = fields.Upstream ?? string.Empty;
            var enable = fields.Enabled ?? proxy.Enabled;

            if (!ProxyAddress.SameListen(listen, proxy.Listen) || !string.Equals(upstream, proxy.Upstream, StringComparison.Ordinal))
            {
                // New addresses: every connection is dropped and the listener restarts there.
                proxy.Stop();
                proxy.SetAddresses(listen, upstream);
                if (enable)
                {
                    proxy.Start();
                }
            }
            else if (enable)
            {
                proxy.Start();
            }
            else
            {
                proxy.Stop();
            }

            return ApiResult.Ok(ApiJsonWriter.Proxy(ProxyView.Of(proxy)));
        }
    }

    private ApiResult ProxyDelete(string name)
    {
        lock (_gate)
        {
            var proxy = Get(name);
            proxy.Stop();
            _proxies.Remove(name);
            return ApiResult.Empty(StatusCodes.Status204NoContent);
        }
    }

    /// <summary>
    /// Enables every proxy and removes every toxic. A proxy that cannot bind (moved onto a port in
    /// use) does not stop the others being reset: its bind failure is answered once all are done.
    /// </summary>
    private ApiResult Reset()
    {
        lock (_gate)
        {
            ToxiproxyApiException? failure = null;
            foreach (var proxy in _proxies.Values)
            {
                proxy.Toxics.Clear();
                try
                {
                    proxy.Start();
                }
                catch (ToxiproxyApiException ex)
                {
                    failure ??= ex;
                }
            }

            return failure is null ? ApiResult.Empty(StatusCodes.Status204NoContent) : ApiResult.Error(failure);
        }
    }

    private ApiResult ToxicIndex(string proxyName)
    {
        lock (_gate)
        {
            return ApiResult.Ok(ApiJsonWriter.Toxics(Get(proxyName).Toxics.Snapshot()));
        }
    }

    private ApiResult ToxicCreate(string proxyName, byte[] body)
    {
        lock (_gate)
        {
            var proxy = Get(proxyName);
            var fields = ApiJsonReader.ReadToxic(ApiJsonReader.Parse(body));
            ToxicStream direction;
            if (string.Equals(fields.Stream, "upstream", StringComparison.OrdinalIgnoreCase))
            {
                direction = ToxicStream.Upstream;
            }
            else if (string.Equals(fields.Stream, "downstream", StringComparison.OrdinalIgnoreCase))
            {
                direction = ToxicStream.Downstream;
            }
            else
            {
                throw ToxiproxyApiException.InvalidStream();
            }

            var name = fields.Name.Length == 0 ? $"{fields.Type}_{fields.Stream}" : fields.Name;
            if (!ToxicKind.All.TryGetValue(fields.Type, out var kind))
            {
                throw ToxiproxyApiException.InvalidToxicType();
            }

            if (proxy.Toxics.Find(name) is not null)
            {
                throw ToxiproxyApiException.ToxicAlreadyExists();
            }

            var attributes = ApiJsonReader.ReadAttributes(fields.Attributes, kind, current: null);
            var toxic = new ToxicState(name, kind, fields.Stream, direction, fields.Toxicity, attributes);
            if (!proxy.Toxics.TryAdd(toxic))
            {
                throw ToxiproxyApiException.ToxicAlreadyExists();
            }

            return ApiResult.Ok(ApiJsonWriter.Toxic(toxic));
        }
    }

    private ApiResult ToxicShow(string proxyName, string toxicName)
    {
        lock (_gate)
        {
            var toxic = Get(proxyName).Toxics.Find(toxicName) ?? throw ToxiproxyApiException.ToxicNotFound();
            return ApiResult.Ok(ApiJsonWriter.Toxic(toxic));
        }
    }

    private ApiResult ToxicUpdate(string proxyName, string toxicName, byte[] body)
    {
        lock (_gate)
        {
            var proxy = Get(proxyName);
            var current = proxy.Toxics.Find(toxicName) ?? throw ToxiproxyApiException.ToxicNotFound();
            var (attributesJson, toxicity) = ApiJsonReader.ReadToxicUpdate(ApiJsonReader.Parse(body));
            var attributes = ApiJsonReader.ReadAttributes(attributesJson, current.Kind, current.Attributes);
            var updated = proxy.Toxics.Update(toxicName, t => t.With(toxicity ?? t.Toxicity, attributes))
                ?? throw ToxiproxyApiException.ToxicNotFound();
            return ApiResult.Ok(ApiJsonWriter.Toxic(updated));
        }
    }

    private ApiResult ToxicDelete(string proxyName, string toxicName)
    {
        lock (_gate)
        {
            if (!Get(proxyName).Toxics.Remove(toxicName))
            {
                throw ToxiproxyApiException.ToxicNotFound();
            }

            return ApiResult.Empty(StatusCodes.Status204NoContent);
        }
    }

    private FaultProxy Get(string name) =>
        _proxies.TryGetValue(name, out var proxy) ? proxy : throw ToxiproxyApiException.ProxyNotFound();

    private FaultProxy NewProxy(ProxyFields fields) => new(
        fields.Name!,
        string.IsNullOrEmpty(fields.Listen) ? ProxyAddress.DefaultListen : fields.Listen,
        fields.Upstream!,
        _time,
        _loggerFactory.CreateLogger<FaultProxy>());

    [LoggerMessage(EventId = 9010, Level = LogLevel.Error, Message = "Toxiproxy API request {Method} {Path} failed unexpectedly; it was answered with 500 and the server stays up.")]
    private static partial void LogRequestFailed(ILogger logger, string method, string path, Exception exception);
}
