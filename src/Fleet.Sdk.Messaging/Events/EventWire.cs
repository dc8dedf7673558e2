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

/// <summary>
/// Drops repeated events by sequence per publisher and topic, over a sliding window of the last
/// 16,384 sequences, so events resent after a fail-over, in any order, are delivered once. A
/// sequence older than the window counts as seen. Not thread-safe.
/// </summary>
internal sealed class EventDeduplicator
{
    private const int WindowBits = 16_384;
    private const int Capacity = 10_000;
    private readonly Dictionary<(ulong Publisher, string Topic), Window> _windows = [];

    /// <summary>Records a sequence; returns <see langword="false"/> when it was seen before.</summary>
    public bool IsNew(ulong publisherId, string topic, ulong sequence)
    {
        var key = (publisherId, topic);
        if (!_windows.TryGetValue(key, out var window))
        {
            if (_windows.Count >= Capacity)
            {
                _windows.Clear();
            }

            window = new Window();
            _windows[key] = window;
        }

        return window.Add(sequence);
    }

    private sealed class Window
    {
        private readonly ulong[] _bits = new ulong[WindowBits / 64];
        private ulong _max;

        public bool Add(ulong sequence)
        {
            if (sequence > _max)
            {
                var shift = sequence - _max;
                if (shift >= WindowBits)
                {
                    Array.Clear(_bits);
                }
                else
                {
                    for (var s = _max + 1; s < sequence; s++)
                    {
                        Clear(s);
                    }
                }

                _max = sequence;
                Set(sequence);
                return true;
            }

            if (_max - sequence >= WindowBits || IsSet(sequence))
            {
                return false;
            }

            Set(sequence);
            return true;
        }

        private bool IsSet(ulong s) => (_bits[(int)(s % WindowBits) / 64] & (1UL << (int)(s % 64))) != 0;

        private void Set(ulong s) => _bits[(int)(s % WindowBits) / 64] |= 1UL << (int)(s % 64);

        private void Clear(ulong s) => _bits[(int)(s % WindowBits) / 64] &= ~(1UL << (int)(s % 64));
    }
}
