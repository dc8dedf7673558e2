using System.Globalization;
using System.Text;

namespace Fleet.Sdk.Events;

/// <summary>
/// One stream of the in-process engine, with the Redis engine's semantics: ids increase with appends;
/// an idempotency key is remembered for the idempotency window; the length, size and age bounds trim
/// the oldest events; each group delivers each event to one consumer and keeps it pending on that consumer
/// until it acknowledges, or until another consumer claims it after the claim time. Thread-safe.
/// </summary>
internal sealed class InProcessStream(string name)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, Entry> _entries = [];
    private readonly Queue<long> _order = new();
    private readonly Dictionary<string, (string Id, DateTimeOffset Expires)> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private long _last;
    private long _bytes;

    /// <summary>Raised after each append (outside the lock) so waiting readers wake.</summary>
    public event Action? Appended;

    public string Append(string payload, string idempotencyKey, DurableStreamOptions options, DateTimeOffset now)
    {
        string id;
        lock (_gate)
        {
            if (_keys.TryGetValue(idempotencyKey, out var prior) && prior.Expires > now)
            {
                return prior.Id;
            }

            if (_last % 1024 == 0)
            {
                foreach (var expired in _keys.Where(k => k.Value.Expires <= now).Select(k => k.Key).ToList())
                {
                    _keys.Remove(expired);
                }
            }

            var sequence = ++_last;
            var size = Encoding.UTF8.GetByteCount(payload);
            _entries[sequence] = new Entry(payload, now, size);
            _order.Enqueue(sequence);
            _bytes += size;
            id = sequence.ToString(CultureInfo.InvariantCulture);
            _keys[idempotencyKey] = (id, now + options.IdempotencyWindow);
            while (_order.Count > options.MaxLength || (_bytes > options.MaxBytes && _order.Count > 1))
            {
                RemoveOldest();
            }

            TrimAge(options, now);
        }

        Appended?.Invoke();
        return id;
    }

    public DurableReadResult Read(string group, string consumer, int count, bool recoverOwnPending, DurableStreamOptions options, DateTimeOffset now)
    {
        lock (_gate)
        {
            TrimAge(options, now);
            if (!_groups.TryGetValue(group, out var state))
            {
                state = new Group();
                _groups[group] = state;
            }

            state.Consumers.Add(consumer);
            var events = new List<DurableEvent>();
            var trimmed = 0L;
            if (recoverOwnPending)
            {
                foreach (var (sequence, pending) in state.Pending.Where(p => p.Value.Consumer == consumer).Take(count).ToList())
                {
                    if (_entries.TryGetValue(sequence, out var entry))
                    {
                        events.Add(Event(sequence, entry, pending.Deliveries));
                    }
                    else
                    {
                        state.Pending.Remove(sequence);
                        trimmed++;
                    }
                }

                if (events.Count > 0)
                {
                    return new DurableReadResult(events, trimmed);
                }
            }

            // Claim what any consumer (this one too) left unacknowledged past the claim time, as XAUTOCLAIM does.
            foreach (var (sequence, pending) in state.Pending.Where(p => now - p.Value.DeliveredAt >= options.ClaimAfter).ToList())
            {
                if (events.Count >= count)
                {
                    break;
                }

                if (!_entries.TryGetValue(sequence, out var entry))
                {
                    state.Pending.Remove(sequence);
                    trimmed++;
                    continue;
                }

                pending.Consumer = consumer;
                pending.DeliveredAt = now;
                pending.Deliveries++;
                events.Add(Event(sequence, entry, pending.Deliveries));
            }

            if (events.Count == 0 && _order.Count > 0)
            {
                // Entries are contiguous from the oldest kept one: only the head is ever trimmed.
                var first = Math.Max(state.LastDelivered + 1, _order.Peek());
                for (var sequence = first; sequence <= _last && events.Count < count; sequence++)
                {
                    state.Pending[sequence] = new Pending { Consumer = consumer, DeliveredAt = now, Deliveries = 1 };
                    state.LastDelivered = sequence;
                    events.Add(Event(sequence, _entries[sequence], 1));
                }
            }

            return new DurableReadResult(events, trimmed);
        }
    }

    public DurableAckResult Ack(string group, string consumer, string id)
    {
        lock (_gate)
        {
            if (!_groups.TryGetValue(group, out var state) || !long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                return DurableAckResult.Refused;
            }

            if (!state.Pending.TryGetValue(sequence, out var pending))
            {
                return DurableAckResult.AlreadyAcknowledged;
            }

            if (pending.Consumer != consumer)
            {
                return DurableAckResult.Refused;
            }

            state.Pending.Remove(sequence);
            return DurableAckResult.Acknowledged;
        }
    }

    public DurableStreamInfo Info(string group, DurableStreamOptions options, DateTimeOffset now)
    {
        lock (_gate)
        {
            TrimAge(options, now);
            return _groups.TryGetValue(group, out var state)
                ? new DurableStreamInfo(_entries.Count, state.Pending.Count, state.Consumers.Count)
                : new DurableStreamInfo(_entries.Count, 0, 0);
        }
    }

    private DurableEvent Event(long sequence, Entry entry, long deliveries) =>
        new(name, sequence.ToString(CultureInfo.InvariantCulture), entry.Payload, deliveries);

    private void TrimAge(DurableStreamOptions options, DateTimeOffset now)
    {
        while (_order.Count > 0 && now - _entries[_order.Peek()].Appended > options.MaxAge)
        {
            RemoveOldest();
        }
    }

    private void RemoveOldest()
    {
        var oldest = _order.Dequeue();
        _bytes -= _entries[oldest].Size;
        _entries.Remove(oldest);
    }

    private sealed record Entry(string Payload, DateTimeOffset Appended, int Size);

    private sealed class Pending
    {
        public required string Consumer { get; set; }

        public DateTimeOffset DeliveredAt { get; set; }

        public long Deliveries { get; set; }
    }

    private sealed class Group
    {
        public long LastDelivered { get; set; }

        public SortedDictionary<long, Pending> Pending { get; } = [];

        public HashSet<string> Consumers { get; } = new(StringComparer.Ordinal);
    }
}
