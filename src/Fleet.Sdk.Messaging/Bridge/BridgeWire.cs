using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Sdk.Messaging;

/// <summary>The roles of the two bridges of a pair.</summary>
public enum BridgeRole
{
    /// <summary>Takes the lead when both start together.</summary>
    Primary,

    /// <summary>Takes over when the primary is lost.</summary>
    Backup,
}

/// <summary>Whether a bridge forwards events.</summary>
public enum BridgeState
{
    /// <summary>Receives, but forwards nothing; ready to take over.</summary>
    Passive,

    /// <summary>Forwards events from publishers to subscribers.</summary>
    Active,
}

/// <summary>What a bridge announces every beacon interval on its subscriber side (topic <c>$fleet.bridge</c>).</summary>
/// <param name="Name">The bridge's name.</param>
/// <param name="Role">Its role.</param>
/// <param name="State">Its state.</param>
/// <param name="Epoch">Its epoch: raised by every take-over, so the newest active bridge wins any conflict.</param>
/// <param name="PeerLost">
/// Whether it has not heard its peer for the peer timeout. An active bridge that cannot hear its peer will never
/// yield to it, so a peer that hears this yields instead (a one-way link). Absent (older bridges): <see langword="false"/>.
/// </param>
internal sealed record BridgeBeacon(string Name, BridgeRole Role, BridgeState State, long Epoch, bool PeerLost = false);

/// <summary>What a bridge client sends every heartbeat interval to every bridge (topic <c>$fleet.bridge.client</c>).</summary>
/// <param name="Client">The client's id.</param>
/// <param name="Following">The active bridge it follows, or <see langword="null"/> when it has none: a vote for a take-over.</param>
/// <param name="Epoch">The epoch of the bridge it follows.</param>
internal sealed record BridgeClientHeartbeat(string Client, string? Following, long Epoch);

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
