using System.Buffers.Binary;

namespace Fleet.Sdk.Messaging;

/// <summary>The <c>fleet.event/1</c> header: "FEV1", publisher id (8 bytes) and sequence (8 bytes), big-endian.</summary>
internal static class EventWire
{
    public const int HeaderLength = 20;

    public static ReadOnlySpan<byte> Magic => "FEV1"u8;

    public static void WriteHeader(Span<byte> header, ulong publisherId, ulong sequence)
    {
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt64BigEndian(header[4..], publisherId);
        BinaryPrimitives.WriteUInt64BigEndian(header[12..], sequence);
    }

    public static bool TryReadHeader(ReadOnlySpan<byte> header, out ulong publisherId, out ulong sequence)
    {
        publisherId = 0;
        sequence = 0;
        if (header.Length != HeaderLength || !header.StartsWith(Magic))
        {
            return false;
        }

        publisherId = BinaryPrimitives.ReadUInt64BigEndian(header[4..]);
        sequence = BinaryPrimitives.ReadUInt64BigEndian(header[12..]);
        return true;
    }
}

/// <summary>
/// Detects missed events from sequence numbers per publisher and topic. The first event seen from
/// a publisher on a topic is never a gap (the subscriber joined late); a publisher restart shows
/// as a new publisher id. Not thread-safe.
/// </summary>
internal sealed class EventGapDetector
{
    private const int Capacity = 100_000;
    private readonly Dictionary<(ulong Publisher, string Topic), ulong> _last = [];

    /// <summary>Records an event; returns how many events were missed just before it.</summary>
    public long Observe(ulong publisherId, string topic, ulong sequence)
    {
        var key = (publisherId, topic);
        if (!_last.TryGetValue(key, out var last))
        {
            if (_last.Count >= Capacity)
            {
                _last.Clear();
            }

            _last[key] = sequence;
            return 0;
        }

        _last[key] = sequence;
        return sequence > last ? (long)Math.Min(sequence - last - 1, long.MaxValue) : 0;
    }
}
