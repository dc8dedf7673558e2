namespace Fleet.Sdk.Messaging;

/// <summary>
/// Decides when a repeated warning is logged: the first occurrence of a key at once, repeats at
/// most once per window with the number suppressed in between. A misbehaving peer that retries
/// every 100 ms produces one line, not a flood. Bounded: past its capacity it forgets everything.
/// </summary>
internal sealed class LogThrottle(TimeProvider timeProvider, TimeSpan window, int capacity = 1024)
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Gets a value indicating whether to log <paramref name="key"/> now.</summary>
    /// <param name="key">What is repeated, for example a client key and address.</param>
    /// <param name="suppressed">How many occurrences were not logged since the last logged one (when logging), or so far (when not).</param>
    /// <returns><see langword="true"/> to log at the normal level; <see langword="false"/> to log at most at debug level.</returns>
    public bool ShouldLog(string key, out long suppressed)
    {
        var now = timeProvider.GetTimestamp();
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var entry) && timeProvider.GetElapsedTime(entry.LoggedAt, now) < window)
            {
                entry.Suppressed++;
                suppressed = entry.Suppressed;
                return false;
            }

            suppressed = entry?.Suppressed ?? 0;
            if (entry is null && _entries.Count >= capacity)
            {
                _entries.Clear();
            }

            _entries[key] = new Entry { LoggedAt = now };
            return true;
        }
    }

    private sealed class Entry
    {
        public long LoggedAt { get; init; }

        public long Suppressed { get; set; }
    }
}
