using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// The frames and JSON of both wire contracts (docs/wire-protocol.md): legacy single-frame JSON,
/// and the SDK envelope <c>fleet.rpc/1</c> (protocol frame, header frame, body frame).
/// </summary>
internal static class RpcWire
{
    public const string ProtocolName = "fleet.rpc/1";

    /// <summary>A request has at most this many frames, routing envelope included; more is a bad request.</summary>
    public const int MaxFrames = 16;

    /// <summary>The longest <c>timeout_ms</c> a request may give: the longest timer (about 24.8 days), the limit of every configured timeout too.</summary>
    public const long MaxTimeoutMilliseconds = int.MaxValue;

    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = false, Indented = false };

    /// <summary>Gets the protocol frame of <c>fleet.rpc/1</c>.</summary>
    public static ReadOnlySpan<byte> ProtocolFrame => "fleet.rpc/1"u8;

    /// <summary>Gets what every version's protocol frame starts with.</summary>
    public static ReadOnlySpan<byte> ProtocolPrefix => "fleet.rpc/"u8;

    /// <summary>The frames of a legacy reply the client accepts: correlation id, delimiter, body.</summary>
    public const int LegacyReplyFrames = 3;

    /// <summary>The frames of a <c>fleet.rpc/1</c> reply the client accepts: delimiter, protocol, header, body.</summary>
    public const int FleetReplyFrames = 4;

    private static readonly byte[] ProtocolFrameBytes = "fleet.rpc/1"u8.ToArray();

    /// <summary>
    /// Builds a client's request, as its DEALER sends it: <c>[correlation id][delimiter][JSON]</c>
    /// (legacy: a REP peer echoes everything up to the delimiter), or
    /// <c>[delimiter][fleet.rpc/1][header][JSON]</c>.
    /// </summary>
    /// <param name="shape">The protocol.</param>
    /// <param name="id">The correlation id.</param>
    /// <param name="body">The request's JSON.</param>
    /// <param name="timeoutMilliseconds">The deadline sent with a <c>fleet.rpc/1</c> request.</param>
    /// <param name="caller">The calling agent's name, sent with a <c>fleet.rpc/1</c> request.</param>
    /// <returns>The frames.</returns>
    public static byte[][] RequestFrames(RpcShape shape, ulong id, byte[] body, long timeoutMilliseconds, string caller)
    {
        if (shape == RpcShape.Legacy)
        {
            var correlation = new byte[sizeof(ulong)];
            BinaryPrimitives.WriteUInt64BigEndian(correlation, id);
            return [correlation, [], body];
        }

        return [[], ProtocolFrameBytes, RequestHeader(id, timeoutMilliseconds, caller), body];
    }

    /// <summary>
    /// Reads the correlation id of a reply as a client's DEALER receives it (<see cref="RequestFrames"/> echoed back).
    /// </summary>
    /// <param name="shape">The protocol the request was sent in.</param>
    /// <param name="frameCount">How many frames the reply has.</param>
    /// <param name="first">The first frame (the legacy correlation id, or the delimiter).</param>
    /// <param name="second">The second (the legacy delimiter, or the protocol frame).</param>
    /// <param name="third">The third (the <c>fleet.rpc/1</c> header), or anything for legacy.</param>
    /// <param name="id">The correlation id.</param>
    /// <param name="bodyIndex">The index of the body frame.</param>
    /// <returns><see langword="false"/> when the reply is malformed.</returns>
    public static bool TryReadReply(RpcShape shape, int frameCount, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third, out ulong id, out int bodyIndex)
    {
        if (shape == RpcShape.Legacy)
        {
            bodyIndex = LegacyReplyFrames - 1;
            id = 0;
            if (frameCount != LegacyReplyFrames || first.Length != sizeof(ulong) || second.Length != 0)
            {
                return false;
            }

            id = BinaryPrimitives.ReadUInt64BigEndian(first);
            return true;
        }

        bodyIndex = FleetReplyFrames - 1;
        id = 0;
        return frameCount == FleetReplyFrames && first.Length == 0 && second.SequenceEqual(ProtocolFrame) && TryReadReplyHeader(third, out id);
    }

    /// <summary>
    /// Finds where a request starts in a message a ROUTER received: after the first empty frame
    /// (the delimiter) that follows the routing id, or right after the routing id when there is none.
    /// </summary>
    /// <param name="frameLengths">The length of every frame of the message, the routing id first.</param>
    /// <returns>The index of the request's first frame; the frames before it are the envelope echoed in the reply.</returns>
    public static int RequestStart(ReadOnlySpan<int> frameLengths)
    {
        var delimiter = frameLengths.Length > 1 ? frameLengths[1..].IndexOf(0) : -1;
        return delimiter < 0 ? 1 : delimiter + 2;
    }

    /// <summary>The frames a server sends between the envelope and the body of a reply: none (legacy), or protocol and header.</summary>
    /// <param name="shape">The protocol the request came in.</param>
    /// <param name="id">The request's correlation id, if it was readable.</param>
    /// <param name="errorCode">The error code, or <see langword="null"/> for a successful reply.</param>
    /// <returns>The frames.</returns>
    public static byte[][] ReplyHead(RpcShape shape, ulong? id, string? errorCode) =>
        shape == RpcShape.Fleet ? [ProtocolFrameBytes, ReplyHeader(id, errorCode)] : [];

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

    /// <summary>
    /// Reads the frames after the delimiter as one request, in either protocol: the request, or a
    /// rejection with the error reply it gets (in the protocol it came in). Never throws on hostile
    /// input: every malformed frame, header, JSON text or string gives a rejection.
    /// </summary>
    /// <param name="frameCount">How many frames followed the delimiter.</param>
    /// <param name="first">The first frame after the delimiter (a legacy body, or the protocol frame).</param>
    /// <param name="second">The second (a <c>fleet.rpc/1</c> header), or empty.</param>
    /// <param name="third">The third (a <c>fleet.rpc/1</c> body), or empty.</param>
    /// <param name="tooManyFrames">The message had more frames than a request may have.</param>
    /// <param name="maxMessageSize">The largest body accepted, in bytes (0 or less: no limit).</param>
    /// <returns>The request (its JSON document and rented buffer owned by the caller), or the rejection.</returns>
    public static RpcParsedRequest ParseRequest(int frameCount, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third, bool tooManyFrames, long maxMessageSize)
    {
        var isFleet = frameCount >= 1 && first.StartsWith(ProtocolPrefix);
        if (tooManyFrames)
        {
            return Reject(isFleet ? RpcShape.Fleet : RpcShape.Legacy, null, AgentRpcErrorCodes.BadRequest,
                $"a request has at most {MaxFrames} frames; a legacy request is one JSON frame after the delimiter (pyzmq send_json), a {ProtocolName} request three.");
        }

        if (!isFleet)
        {
            return frameCount == 1
                ? ParseBody(RpcShape.Legacy, null, null, null, first, maxMessageSize)
                : Reject(RpcShape.Legacy, null, AgentRpcErrorCodes.BadRequest, $"expected one JSON frame after the delimiter (pyzmq send_json), got {frameCount} frame(s).");
        }

        if (!first.SequenceEqual(ProtocolFrame))
        {
            return Reject(RpcShape.Fleet, null, AgentRpcErrorCodes.UnsupportedVersion,
                $"this server speaks {ProtocolName} (and legacy JSON), not '{Printable(first)}'; upgrade the server or pin the client to {ProtocolName}.");
        }

        if (frameCount != 3)
        {
            return Reject(RpcShape.Fleet, null, AgentRpcErrorCodes.BadRequest,
                $"a {ProtocolName} request has 3 frames after the delimiter (protocol, header, body), not {frameCount}.");
        }

        if (!TryReadRequestHeader(second, out var id, out var timeoutMilliseconds, out var caller, out var error))
        {
            return Reject(RpcShape.Fleet, id, AgentRpcErrorCodes.BadRequest, $"the {ProtocolName} header is invalid: {error}.");
        }

        return ParseBody(RpcShape.Fleet, id, timeoutMilliseconds, caller, third, maxMessageSize);
    }

    /// <summary>Reads the frames after the delimiter as one request (<see cref="ParseRequest(int, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, bool, long)"/>).</summary>
    public static RpcParsedRequest ParseRequest(IReadOnlyList<byte[]> frames, long maxMessageSize) =>
        ParseRequest(
            frames.Count,
            frames.Count > 0 ? frames[0] : [],
            frames.Count > 1 ? frames[1] : [],
            frames.Count > 2 ? frames[2] : [],
            frames.Count >= MaxFrames,
            maxMessageSize);

    /// <summary>Reads a request header; unknown fields are ignored (forward compatibility within version 1).</summary>
    /// <returns><see langword="false"/> with <paramref name="error"/> when the header is unusable; <paramref name="id"/> is set when it was readable.</returns>
    public static bool TryReadRequestHeader(ReadOnlySpan<byte> json, out ulong? id, out long? timeoutMilliseconds, out string? caller, out string error)
    {
        id = null;
        timeoutMilliseconds = null;
        caller = null;
        string? fieldError = null;
        if (!Utf8.IsValid(json))
        {
            error = "the header frame is not valid UTF-8";
            return false;
        }

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
                    id = reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out var value) ? value : null;
                }
                else if (reader.ValueTextEquals("timeout_ms"u8))
                {
                    reader.Read();
                    timeoutMilliseconds = ReadTimeout(ref reader, ref fieldError);
                }
                else if (reader.ValueTextEquals("caller"u8))
                {
                    reader.Read();
                    caller = ReadCaller(ref reader, ref fieldError);
                }

                // Skips the value of an unknown field (a no-op for the scalars read above).
                reader.Skip();
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                id = null;
                error = "the header frame is not one JSON object";
                return false;
            }
        }
        catch (JsonException ex)
        {
            id = null;
            error = $"the header frame is not valid JSON: {ex.Message}";
            return false;
        }

        error = id is null ? "the header has no 'id' (an unsigned 64-bit integer)" : fieldError ?? string.Empty;
        return error.Length == 0;
    }

    private static long? ReadTimeout(ref Utf8JsonReader reader, ref string? fieldError)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        long timeout;
        if (reader.TokenType != JsonTokenType.Number)
        {
            fieldError ??= "'timeout_ms' must be a number of milliseconds, for example 5000";
            return null;
        }

        if (reader.TryGetInt64(out var whole))
        {
            timeout = whole;
        }
        else if (reader.TryGetDouble(out var fractional) && double.IsFinite(fractional))
        {
            timeout = fractional >= MaxTimeoutMilliseconds ? long.MaxValue : fractional <= 0 ? 0 : (long)Math.Ceiling(fractional);
        }
        else
        {
            timeout = long.MaxValue;
        }

        if (timeout > MaxTimeoutMilliseconds)
        {
            fieldError ??= $"'timeout_ms' is {Printable(reader.ValueSpan)}; it must be at most {MaxTimeoutMilliseconds} (about 24.8 days)";
            return null;
        }

        return timeout;
    }

    private static string? ReadCaller(ref Utf8JsonReader reader, ref string? fieldError)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            fieldError ??= "'caller' must be a string (the calling agent's name)";
            return null;
        }

        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            fieldError ??= "'caller' is not a valid string: it has a lone surrogate (\\uD800-\\uDFFF escapes must come in pairs)";
            return null;
        }
    }

    private static RpcParsedRequest ParseBody(RpcShape shape, ulong? id, long? timeoutMilliseconds, string? caller, ReadOnlySpan<byte> body, long maxMessageSize)
    {
        if (maxMessageSize > 0 && body.Length > maxMessageSize)
        {
            return Reject(shape, id, AgentRpcErrorCodes.TooLarge,
                $"the request is {body.Length} bytes; this server accepts at most {maxMessageSize} ({MessagingConstants.SectionName}:MaxMessageSize).");
        }

        if (!Utf8.IsValid(body))
        {
            return Reject(shape, id, AgentRpcErrorCodes.BadRequest,
                "the request is not valid UTF-8; send JSON text encoded as UTF-8 (pyzmq send_json does).");
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, body.Length));
        body.CopyTo(buffer);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.AsMemory(0, body.Length));
        }
        catch (JsonException ex)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return Reject(shape, id, AgentRpcErrorCodes.BadRequest, $"the request is not valid JSON: {ex.Message}");
        }

        var root = document.RootElement;
        string? problem = null;
        string? action = null;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("action"u8, out var actionElement) || actionElement.ValueKind != JsonValueKind.String)
        {
            problem = "the request must be a JSON object with a string \"action\", for example {\"action\": \"health_check\"}.";
        }
        else
        {
            try
            {
                action = actionElement.GetString()!;
            }
            catch (InvalidOperationException)
            {
                problem = "the request's 'action' is not a valid string: it has a lone surrogate (\\uD800-\\uDFFF escapes must come in pairs).";
            }
        }

        if (problem is not null || action is null)
        {
            document.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
            return Reject(shape, id, AgentRpcErrorCodes.BadRequest, problem ?? "the request has no 'action'.");
        }

        if (timeoutMilliseconds <= 0)
        {
            document.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
            return Reject(shape, id, AgentRpcErrorCodes.Timeout, $"the request for '{Printable(Encoding.UTF8.GetBytes(action))}' arrived after its deadline; it was not run.");
        }

        var budget = timeoutMilliseconds is { } ms ? TimeSpan.FromMilliseconds(ms) : (TimeSpan?)null;
        return new RpcParsedRequest(shape, id, action, caller, budget, document, buffer, null);
    }

    private static RpcParsedRequest Reject(RpcShape shape, ulong? id, string code, string message) =>
        new(shape, id, null, null, null, null, null, new RpcRejection(shape, id, code, message));

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
