using System.Globalization;
using System.Text.Json;

namespace Fleet.Sdk.Testing;

/// <summary>
/// Reads request bodies the way Toxiproxy's Go decoder does: the first JSON value only, keys
/// matched case-insensitively (the last duplicate wins), unknown keys ignored, <c>null</c> keeping
/// the current value, and type mismatches reported in Go's words as 400 <c>bad request body</c>.
/// </summary>
internal static class ApiJsonReader
{
    public static JsonElement Parse(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowMultipleValues = true, CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read())
            {
                throw ToxiproxyApiException.BadRequestBody("EOF");
            }

            using var document = JsonDocument.ParseValue(ref reader);
            EnsureReadableStrings(document.RootElement);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            var truncated = ex.Message.Contains("end of data", StringComparison.OrdinalIgnoreCase)
                || ex.Message.Contains("incomplete", StringComparison.OrdinalIgnoreCase)
                || ex.Message.Contains("Expected depth to be zero", StringComparison.Ordinal);
            throw ToxiproxyApiException.BadRequestBody(truncated ? "unexpected EOF" : FirstLine(ex.Message));
        }
    }

    /// <summary>
    /// Checks every string and key once, up front: System.Text.Json parses invalid UTF-8 inside a
    /// string and lone surrogate escapes (<c>"\ud800"</c>), and throws only when the string is read.
    /// </summary>
    private static void EnsureReadableStrings(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    _ = element.GetString();
                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        EnsureReadableStrings(item);
                    }

                    break;
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        _ = property.Name;
                        EnsureReadableStrings(property.Value);
                    }

                    break;
            }
        }
        catch (InvalidOperationException ex)
        {
            throw ToxiproxyApiException.BadRequestBody($"a string is not valid UTF-8 or holds a lone surrogate ({ex.Message.TrimEnd('.')}); send UTF-8 JSON");
        }
    }

    public static void ReadProxy(JsonElement json, ProxyFields fields)
    {
        foreach (var property in Properties(json, "toxiproxy.Proxy"))
        {
            var value = property.Value;
            switch (property.Name.ToUpperInvariant())
            {
                case "NAME":
                    fields.Name = ReadString(value, "Proxy.name") ?? fields.Name;
                    break;
                case "LISTEN":
                    fields.Listen = ReadString(value, "Proxy.listen") ?? fields.Listen;
                    break;
                case "UPSTREAM":
                    fields.Upstream = ReadString(value, "Proxy.upstream") ?? fields.Upstream;
                    break;
                case "ENABLED":
                    fields.Enabled = ReadBool(value, "Proxy.enabled") ?? fields.Enabled;
                    break;
            }
        }
    }

    public static IReadOnlyList<ProxyFields> ReadPopulate(JsonElement json)
    {
        if (json.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (json.ValueKind != JsonValueKind.Array)
        {
            throw TypeMismatch(json, "Go value", "[]toxiproxy.Proxy");
        }

        var entries = new List<ProxyFields>();
        foreach (var item in json.EnumerateArray())
        {
            var fields = new ProxyFields();
            ReadProxy(item, fields);
            entries.Add(fields);
        }

        return entries;
    }

    public static ToxicFields ReadToxic(JsonElement json)
    {
        var fields = new ToxicFields();
        foreach (var property in Properties(json, "toxics.ToxicWrapper"))
        {
            var value = property.Value;
            switch (property.Name.ToUpperInvariant())
            {
                case "NAME":
                    fields.Name = ReadString(value, "ToxicWrapper.name") ?? fields.Name;
                    break;
                case "TYPE":
                    fields.Type = ReadString(value, "ToxicWrapper.type") ?? fields.Type;
                    break;
                case "STREAM":
                    fields.Stream = ReadString(value, "ToxicWrapper.stream") ?? fields.Stream;
                    break;
                case "TOXICITY":
                    fields.Toxicity = ReadFloat(value, "ToxicWrapper.toxicity") ?? fields.Toxicity;
                    break;
                case "ATTRIBUTES":
                    fields.Attributes = ReadObjectOrNull(value, "ToxicWrapper.attributes") ?? fields.Attributes;
                    break;
            }
        }

        return fields;
    }

    /// <summary>Reads a toxic update: only <c>attributes</c> (merged) and <c>toxicity</c> are read.</summary>
    public static (JsonElement? Attributes, float? Toxicity) ReadToxicUpdate(JsonElement json)
    {
        JsonElement? attributes = null;
        float? toxicity = null;
        foreach (var property in Properties(json, "struct { Attributes interface {}; Toxicity float32 }"))
        {
            switch (property.Name.ToUpperInvariant())
            {
                case "ATTRIBUTES":
                    attributes = ReadObjectOrNull(property.Value, ".attributes") ?? attributes;
                    break;
                case "TOXICITY":
                    toxicity = ReadFloat(property.Value, ".toxicity") ?? toxicity;
                    break;
            }
        }

        return (attributes, toxicity);
    }

    /// <summary>Merges <paramref name="json"/> into <paramref name="current"/>, key by key; every attribute of the kind is present in the result.</summary>
    public static Dictionary<string, long> ReadAttributes(JsonElement? json, ToxicKind kind, IReadOnlyDictionary<string, long>? current)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var name in kind.Attributes)
        {
            result[name] = current is not null && current.TryGetValue(name, out var value) ? value : 0;
        }

        if (json is not { ValueKind: JsonValueKind.Object } attributes)
        {
            return result;
        }

        foreach (var property in attributes.EnumerateObject())
        {
            var name = kind.Attributes.FirstOrDefault(a => string.Equals(a, property.Name, StringComparison.OrdinalIgnoreCase));
            if (name is null || property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt64(out var number))
            {
                throw TypeMismatch(property.Value, "Go struct field", $"{kind.GoTypeName}.attributes.{name}", "int64");
            }

            result[name] = number;
        }

        return result;
    }

    private static IEnumerable<JsonProperty> Properties(JsonElement json, string goType)
    {
        return json.ValueKind switch
        {
            JsonValueKind.Object => json.EnumerateObject(),
            JsonValueKind.Null => [],
            _ => throw TypeMismatch(json, "Go value", goType),
        };
    }

    private static string? ReadString(JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null => null,
        _ => throw TypeMismatch(value, "Go struct field", field, "string"),
    };

    private static bool? ReadBool(JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        _ => throw TypeMismatch(value, "Go struct field", field, "bool"),
    };

    private static float? ReadFloat(JsonElement value, string field)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && Math.Abs(number) <= float.MaxValue)
        {
            return (float)number;
        }

        throw TypeMismatch(value, "Go struct field", field, "float32");
    }

    private static JsonElement? ReadObjectOrNull(JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.Object => value,
        JsonValueKind.Null => null,
        _ => throw TypeMismatch(value, "Go struct field", field, "struct"),
    };

    private static ToxiproxyApiException TypeMismatch(JsonElement value, string target, string name, string? type = null)
    {
        var kind = value.ValueKind switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number when type == "int64" => "number " + value.GetRawText(),
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "bool",
            JsonValueKind.Array => "array",
            JsonValueKind.Object => "object",
            _ => "null",
        };
        var where = type is null ? $"{target} of type {name}" : $"{target} {name} of type {type}";
        return ToxiproxyApiException.BadRequestBody(string.Create(CultureInfo.InvariantCulture, $"json: cannot unmarshal {kind} into {where}"));
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOf(" LineNumber", StringComparison.Ordinal);
        return (end > 0 ? message[..end] : message).Trim();
    }
}
