namespace Fleet.Sdk.Messaging;

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
