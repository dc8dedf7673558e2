using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// The frames and JSON of both wire contracts (docs/wire-protocol.md): legacy single-frame JSON,
/// and the SDK envelope <c>fleet.rpc/1</c> (protocol frame, header frame, body frame).
/// </summary>
internal static class RpcWire
{
    public const string ProtocolName = "fleet.rpc/1";

    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = false, Indented = false };

    /// <summary>Gets the protocol frame of <c>fleet.rpc/1</c>.</summary>
    public static ReadOnlySpan<byte> ProtocolFrame => "fleet.rpc/1"u8;

    /// <summary>Gets what every version's protocol frame starts with.</summary>
    public static ReadOnlySpan<byte> ProtocolPrefix => "fleet.rpc/"u8;

    public static byte[] RequestHeader(ulong id, long timeoutMilliseconds, string caller)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + caller.Length);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("id"u8, id);
            writer.WriteNumber("timeout_ms"u8, timeoutMilliseconds);
            writer.WriteString("caller"u8, caller);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a request header; unknown fields are ignored (forward compatibility within version 1).</summary>
    public static bool TryReadRequestHeader(ReadOnlySpan<byte> json, out ulong id, out long? timeoutMilliseconds, out string? caller, out string error)
    {
        id = 0;
        timeoutMilliseconds = null;
        caller = null;
        var hasId = false;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "the header frame is not a JSON object";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    hasId = reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out id);
                }
                else if (reader.ValueTextEquals("timeout_ms"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var timeout))
                    {
                        timeoutMilliseconds = timeout;
                    }
                }
                else if (reader.ValueTextEquals("caller"u8))
                {
                    reader.Read();
                    caller = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException ex)
        {
            error = $"the header frame is not valid JSON: {ex.Message}";
            return false;
        }

        error = hasId ? string.Empty : "the header has no numeric 'id'";
        return hasId;
    }

    public static byte[] ReplyHeader(ulong? id, string? errorCode)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            if (id is { } value)
            {
                writer.WriteNumber("id"u8, value);
            }
            else
            {
                writer.WriteNull("id"u8);
            }

            writer.WriteString("status"u8, errorCode is null ? "ok"u8 : "error"u8);
            if (errorCode is not null)
            {
                writer.WriteString("error"u8, errorCode);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static bool TryReadReplyHeader(ReadOnlySpan<byte> json, out ulong id)
    {
        id = 0;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    return reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out id);
                }

                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return false;
    }

    /// <summary>The body of an error reply: <c>{"status":"error","error":CODE,"message":TEXT}</c>, the shape legacy agents use too.</summary>
    public static byte[] ErrorBody(string code, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + message.Length);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("status"u8, "error"u8);
            writer.WriteString("error"u8, code);
            writer.WriteString("message"u8, message);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes a handler's result as the reply body; <see langword="null"/> becomes <c>{"status":"ok"}</c>.</summary>
    public static void WriteReply(IBufferWriter<byte> buffer, object? result, JsonSerializerOptions options)
    {
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        switch (result)
        {
            case null:
                writer.WriteStartObject();
                writer.WriteString("status"u8, "ok"u8);
                writer.WriteEndObject();
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case JsonDocument document:
                document.RootElement.WriteTo(writer);
                break;
            case JsonNode node:
                node.WriteTo(writer, options);
                break;
            default:
                JsonSerializer.Serialize(writer, result, result.GetType(), options);
                break;
        }
    }

    /// <summary>Builds a legacy request object: <c>{"action":ACTION, ...arguments}</c>.</summary>
    public static byte[] Request(string action, object? arguments, JsonSerializerOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("action"u8, action);
            if (arguments is not null)
            {
                var element = arguments is JsonElement given ? given : JsonSerializer.SerializeToElement(arguments, arguments.GetType(), options);
                if (element.ValueKind != JsonValueKind.Object)
                {
                    throw MessagingErrors.ArgumentsNotObject(action, element.ValueKind);
                }

                foreach (var property in element.EnumerateObject())
                {
                    if (!property.NameEquals("action"u8))
                    {
                        property.WriteTo(writer);
                    }
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads an error reply's code and message, when the reply is <c>{"status":"error",...}</c>.</summary>
    public static bool TryReadError(JsonElement reply, out string code, out string message)
    {
        code = string.Empty;
        message = string.Empty;
        if (reply.ValueKind != JsonValueKind.Object ||
            !reply.TryGetProperty("status"u8, out var status) || status.ValueKind != JsonValueKind.String || !status.ValueEquals("error"u8))
        {
            return false;
        }

        var errorText = reply.TryGetProperty("error"u8, out var error) && error.ValueKind == JsonValueKind.String ? error.GetString()! : null;
        var messageText = reply.TryGetProperty("message"u8, out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : null;
        if (errorText is not null && IsCode(errorText))
        {
            code = errorText;
            message = messageText ?? errorText;
        }
        else
        {
            // Python agents often put the message itself in "error".
            code = AgentRpcErrorCodes.RemoteError;
            message = messageText ?? errorText ?? reply.GetRawText();
        }

        return true;
    }

    private static bool IsCode(string text) =>
        text.Length is > 0 and <= 64 && char.IsAsciiLetterLower(text[0]) && text.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');

    /// <summary>Makes a frame safe to quote in a log or an error: printable, truncated.</summary>
    public static string Printable(ReadOnlySpan<byte> bytes, int max = 64)
    {
        var text = Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, max)]);
        var builder = new StringBuilder(text.Length + 3);
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) ? '?' : c);
        }

        return bytes.Length > max ? builder.Append("...").ToString() : builder.ToString();
    }
}
