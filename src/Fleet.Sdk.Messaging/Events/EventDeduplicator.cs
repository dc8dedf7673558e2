namespace Fleet.Sdk.Messaging;

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
