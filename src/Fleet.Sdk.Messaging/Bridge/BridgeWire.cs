using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Sdk.Messaging;

/// <summary>The control topics and their encoding (docs/wire-protocol.md, "Fleet bridge").</summary>
internal static class BridgeWire
{
    public const string BeaconTopic = "$fleet.bridge";
    public const string ClientTopic = "$fleet.bridge.client";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static ReadOnlySpan<byte> BeaconTopicBytes => "$fleet.bridge"u8;

    public static ReadOnlySpan<byte> ClientTopicBytes => "$fleet.bridge.client"u8;

    /// <summary>Gets a value indicating whether a topic frame is a bridge control topic (never delivered to applications).</summary>
    public static bool IsControl(ReadOnlySpan<byte> topic) => topic.StartsWith(BeaconTopicBytes);

    public static byte[] Encode<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Json);

    public static bool TryDecode<T>(ReadOnlySpan<byte> body, out T? value)
        where T : class
    {
        try
        {
            value = JsonSerializer.Deserialize<T>(body, Json);
            return value is not null;
        }
        catch (JsonException)
        {
            value = null;
            return false;
        }
    }

    public static string Printable(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 64)]);
}
