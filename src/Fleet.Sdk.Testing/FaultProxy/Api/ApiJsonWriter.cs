using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Fleet.Sdk.Testing;

/// <summary>
/// Writes the API's JSON in Toxiproxy's field order: proxies as name, listen, upstream, enabled,
/// toxics; toxics as attributes, name, type, stream, toxicity; attributes as JSON integers.
/// </summary>
internal static class ApiJsonWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        // Like Go's encoder: HTML-sensitive characters escaped, other text left readable.
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    public static byte[] Proxy(ProxyView proxy) => Write(w => WriteProxy(w, proxy));

    public static byte[] ProxyMap(IEnumerable<ProxyView> proxies) => Write(w =>
    {
        w.WriteStartObject();
        foreach (var proxy in proxies)
        {
            w.WritePropertyName(proxy.Name);
            WriteProxy(w, proxy);
        }

        w.WriteEndObject();
    });

    public static byte[] Toxic(ToxicState toxic) => Write(w => WriteToxic(w, toxic));

    public static byte[] Toxics(IEnumerable<ToxicState> toxics) => Write(w =>
    {
        w.WriteStartArray();
        foreach (var toxic in toxics)
        {
            WriteToxic(w, toxic);
        }

        w.WriteEndArray();
    });

    /// <summary>The populate answer; on failure it carries the error too, and <c>proxies</c> may be null.</summary>
    public static byte[] Populate(IReadOnlyList<ProxyView>? proxies, ToxiproxyApiException? error) => Write(w =>
    {
        w.WriteStartObject();
        if (error is not null)
        {
            w.WriteString("error", error.Message);
            w.WriteNumber("status", error.StatusCode);
        }

        w.WritePropertyName("proxies");
        if (proxies is null)
        {
            w.WriteNullValue();
        }
        else
        {
            w.WriteStartArray();
            foreach (var proxy in proxies)
            {
                WriteProxy(w, proxy);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    });

    public static byte[] Error(int status, string message) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("error", message);
        w.WriteNumber("status", status);
        w.WriteEndObject();
    });

    private static void WriteProxy(Utf8JsonWriter w, ProxyView proxy)
    {
        w.WriteStartObject();
        w.WriteString("name", proxy.Name);
        w.WriteString("listen", proxy.Listen);
        w.WriteString("upstream", proxy.Upstream);
        w.WriteBoolean("enabled", proxy.Enabled);
        w.WriteStartArray("toxics");
        foreach (var toxic in proxy.Toxics)
        {
            WriteToxic(w, toxic);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteToxic(Utf8JsonWriter w, ToxicState toxic)
    {
        w.WriteStartObject();
        w.WriteStartObject("attributes");
        foreach (var name in toxic.Kind.Attributes)
        {
            w.WriteNumber(name, toxic[name]);
        }

        w.WriteEndObject();
        w.WriteString("name", toxic.Name);
        w.WriteString("type", toxic.Kind.Type);
        w.WriteString("stream", toxic.Stream);
        w.WriteNumber("toxicity", toxic.Toxicity);
        w.WriteEndObject();
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
