using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;

namespace Fleet.Sdk.Testing.Tests;

/// <summary>
/// Hostile requests against the fault proxy's Toxiproxy API: the checked-in corpus
/// (tests/Fixtures/fuzz/toxiproxy/corpus.json) and generated requests. Each gets a documented
/// answer within the bound, never a 500 but for the documented bind failure, and the proxy serves
/// afterwards. CI runs a bounded number of generated cases; FLEET_FUZZ_CASES=N runs N.
/// </summary>
public sealed class FaultProxyApiFuzzTests : ProxyTestBase
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static readonly int[] Documented = [200, 201, 204, 400, 403, 404, 405, 409, 413, 414, 431];

    [Fact]
    public async Task Api_Corpus_EachInputGetsItsDocumentedAnswerAndTheProxyStillServes()
    {
        await using var upstream = TcpPeer.Echo();
        var corpus = LoadCorpus();
        var failures = new List<string>();
        string? previous = null;
        foreach (var entry in corpus)
        {
            await PrepareAsync(upstream.Address, after: previous);
            previous = entry.Name;
            var watch = Stopwatch.StartNew();
            RawResponse response;
            try
            {
                response = await SendAsync(entry);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                failures.Add($"{entry.Name}: no answer within {Bound.TotalSeconds} s ({ex.GetType().Name})");
                continue;
            }

            if (!entry.Expect.Contains(response.Status))
            {
                failures.Add($"{entry.Name}: {response.Status}, expected {string.Join(" or ", entry.Expect)}: {Shorten(response.Body)}");
            }
            else if (response.Status == 500 && !response.Body.Contains("listen tcp", StringComparison.Ordinal))
            {
                failures.Add($"{entry.Name}: a 500 that is not a bind failure: {Shorten(response.Body)}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {corpus.Count} corpus inputs misbehaved:\n{string.Join("\n", failures)}");
        await AssertStillServesAsync(upstream.Address);
    }

    [Fact]
    public async Task Api_GeneratedRequests_DocumentedAnswerWithinBoundAndStillServes()
    {
        await using var upstream = TcpPeer.Echo();
        await PrepareAsync(upstream.Address);
        // Sampled, then sent one by one without blocking a thread on each call (the server runs in this process).
        var requests = Requests().Sample(FuzzBudget.Cases(300));
        var failures = new List<string>();
        foreach (var request in requests)
        {
            RawResponse response;
            try
            {
                response = await RawHttp.SendAsync(Server.ApiEndPoint, request.Method, request.Path, request.Body, null, null, false, Bound);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                failures.Add($"{request}: no answer within {Bound.TotalSeconds} s ({ex.GetType().Name})");
                continue;
            }

            var bindFailure = response.Status == 500 && response.Body.Contains("listen tcp", StringComparison.Ordinal);
            if (!Documented.Contains(response.Status) && !bindFailure)
            {
                failures.Add($"{request}: {response.Status} {Shorten(response.Body)}");
            }
        }

        Assert.Equal(FuzzBudget.Cases(300), requests.Length);
        Assert.True(failures.Count == 0, $"{failures.Count} of {requests.Length} generated requests misbehaved:\n{string.Join("\n", failures.Take(20))}");
        await AssertStillServesAsync(upstream.Address);
    }

    /// <summary>Requests built from the API's own vocabulary, so most reach a handler, with hostile values mixed in.</summary>
    private static Gen<FuzzRequest> Requests()
    {
        var method = Gen.Frequency((4, Gen.Constant("POST")), (2, Gen.Constant("PATCH")), (1, Gen.Elements("GET", "DELETE", "PUT", "HEAD", "OPTIONS", "FOO")));
        var segment = Gen.Elements("proxies", "toxics", "fz", "lat", "populate", "reset", "version", "nope", "%00", "%ff", "..", "\u00e9", "a%2Fb", "x");
        var known = Gen.Elements("/proxies", "/populate", "/proxies/fz", "/proxies/fz/toxics", "/proxies/fz/toxics/lat", "/reset");
        var path = Gen.Frequency((4, known), (1, Gen.ListOf(segment).Select(parts => "/" + string.Join("/", parts.Take(5)))));
        // Mostly objects, as the handlers read objects; an empty array stands for "no body".
        var body = Gen.Frequency(
            (6, JsonObject(2).Select(Encoding.UTF8.GetBytes)),
            (1, JsonValue(2).Select(Encoding.UTF8.GetBytes)),
            (1, JsonObject(2).Select(Encoding.UTF8.GetBytes).Select(b => b[..(b.Length / 2)])),
            (1, ArbMap.Default.GeneratorFor<byte[]>().Where(b => b is not null)),
            (1, Gen.Constant(Array.Empty<byte>())));
        return method.SelectMany(m => path.SelectMany(p => body.Select(b => new FuzzRequest(m, p, b.Length == 0 ? null : b))));
    }

    private static Gen<string> JsonValue(int depth)
    {
        var scalar = Gen.OneOf(
            Gen.Elements("null", "true", "false", "0", "-1", "1.5", "1e400", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "\"\"", "\"\\ud800\"", "\"\\u0000\"", "\"latency\"", "\"upstream\"", "\"127.0.0.1:0\"", "\"127.0.0.1:99999\"", "\"999.1.1.1:0\"", "\"\u00e9\u202e\""),
            ArbMap.Default.GeneratorFor<long>().Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ArbMap.Default.GeneratorFor<string>().Where(s => s is not null).Select(s => JsonSerializer.Serialize(s)));
        return depth == 0
            ? scalar
            : Gen.Frequency((3, scalar), (2, JsonObject(depth - 1)), (1, Gen.ListOf(JsonValue(depth - 1)).Select(items => $"[{string.Join(",", items.Take(4))}]")));
    }

    private static Gen<string> JsonObject(int depth)
    {
        var key = Gen.Elements("name", "NAME", "listen", "upstream", "enabled", "type", "stream", "toxicity", "attributes", "latency", "jitter", "rate", "delay", "timeout", "average_size", "size_variation", "bytes", "\\ud800", "");
        var type = Gen.Elements("latency", "bandwidth", "slow_close", "timeout", "reset_peer", "slicer", "limit_data", "noop", "down", "");
        var member = key.SelectMany(k => (k == "type" ? type.Select(t => $"\"{t}\"") : JsonValue(depth)).Select(v => $"\"{k}\":{v}"));
        var first = member.SelectMany(a => member.Select(b => new[] { a, b }));
        return first.SelectMany(two => Gen.ListOf(member).Select(more => "{" + string.Join(",", two.Concat(more.Take(4))) + "}"));
    }

    /// <summary>
    /// Puts the server back to: proxy fz to the echo server, with a latency toxic lat. Other proxies
    /// are deleted where their names can be addressed at all (a name with a slash cannot); those
    /// left are harmless, as every input names its own.
    /// </summary>
    private async Task PrepareAsync(string upstream, string? after = null)
    {
        foreach (var name in (await Client.GetProxiesAsync()).Keys)
        {
            await CallAsync("DELETE", "/proxies/" + Uri.EscapeDataString(name));
        }

        var created = await CallAsync("POST", "/proxies", $$"""{"name":"fz","listen":"127.0.0.1:0","upstream":"{{upstream}}"}""");
        var toxic = await CallAsync("POST", "/proxies/fz/toxics", """{"name":"lat","type":"latency","attributes":{"latency":0}}""");
        Assert.True(created.Status == 201 && toxic.Status == 200, $"the server could not be prepared after input '{after}': {created.Status} {created.Body} / {toxic.Status} {toxic.Body}");
    }

    /// <summary>After the inputs: the API answers, and a new proxy carries data both ways.</summary>
    private async Task AssertStillServesAsync(string upstream)
    {
        Assert.Equal(200, (await CallAsync("GET", "/version")).Status);
        await CallAsync("POST", "/reset");
        var proxy = await Client.CreateProxyAsync("after-fuzz", "127.0.0.1:0", upstream);
        using var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPEndPoint.Parse(proxy.Listen));
        var stream = client.GetStream();
        var payload = Encoding.ASCII.GetBytes("still serving");
        await stream.WriteAsync(payload);
        var echoed = new byte[payload.Length];
        using var cts = new CancellationTokenSource(Bound);
        await stream.ReadExactlyAsync(echoed, cts.Token);
        Assert.Equal(payload, echoed);
    }

    private Task<RawResponse> SendAsync(CorpusEntry entry)
    {
        var body = entry.BodyBytes();
        var target = entry.Path.Replace("{apiPort}", Server.ApiEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        if (body is not null)
        {
            body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("{apiPort}", Server.ApiEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        if (entry.BodyBase64 is not null)
        {
            body = Convert.FromBase64String(entry.BodyBase64);
        }

        return RawHttp.SendAsync(Server.ApiEndPoint, entry.Method, target, body, entry.Headers, entry.ContentLength, entry.CloseAfterBody, Bound);
    }

    private static List<CorpusEntry> LoadCorpus()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "fuzz", "toxiproxy", "corpus.json");
        var corpus = JsonSerializer.Deserialize<List<CorpusEntry>>(File.ReadAllText(path), new JsonSerializerOptions { PropertyNameCaseInsensitive = true });
        Assert.NotNull(corpus);
        Assert.NotEmpty(corpus);
        return corpus;
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";

    private sealed record FuzzRequest(string Method, string Path, byte[]? Body)
    {
        public override string ToString() =>
            $"{Method} {Path} body={(Body is null ? "none" : Encoding.UTF8.GetString(Body.Length <= 120 ? Body : Body[..120]))}";
    }

    private sealed record CorpusRepeat(string Prefix, string Unit, int Count, string Suffix);

    private sealed record CorpusEntry(
        string Name,
        string Method,
        string Path,
        int[] Expect,
        string? Body = null,
        string? BodyBase64 = null,
        CorpusRepeat? Repeat = null,
        Dictionary<string, string>? Headers = null,
        long? ContentLength = null,
        bool CloseAfterBody = false)
    {
        public byte[]? BodyBytes() =>
            Repeat is { } r ? Encoding.UTF8.GetBytes(r.Prefix + string.Concat(Enumerable.Repeat(r.Unit, r.Count)) + r.Suffix)
            : Body is not null ? Encoding.UTF8.GetBytes(Body)
            : null;
    }
}

/// <summary>How many generated cases a property runs: a few seconds' worth in CI, more with FLEET_FUZZ_CASES=N.</summary>
internal static class FuzzBudget
{
    public const string Variable = "FLEET_FUZZ_CASES";

    public static int Cases(int ciDefault) =>
        int.TryParse(Environment.GetEnvironmentVariable(Variable), out var cases) && cases > 0 ? cases : ciDefault;
}
