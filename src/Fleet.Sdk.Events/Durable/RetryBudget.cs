namespace Fleet.Sdk.Events;

/// <summary>
/// The retries of one durable stream call while Redis cannot be reached: back-off from 50 ms,
/// doubling to 1 s, with jitter, never past the deadline. Appends and acknowledgements share it.
/// </summary>
internal sealed class RetryBudget(TimeProvider time, TimeSpan deadline)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);
    private readonly long _started = time.GetTimestamp();
    private TimeSpan _backoff = TimeSpan.FromMilliseconds(50);

    /// <summary>Gets the attempts made so far; the caller counts each one with <see cref="Attempt"/>.</summary>
    public int Attempts { get; private set; }

    /// <summary>Gets the time since the first attempt.</summary>
    public TimeSpan Elapsed => time.GetElapsedTime(_started);

    /// <summary>Gets a value indicating whether the deadline has passed: give up.</summary>
    public bool Expired => Elapsed >= deadline;

    /// <summary>Counts an attempt.</summary>
    public void Attempt() => Attempts++;

    /// <summary>Waits before the next attempt, at most until the deadline.</summary>
    public async Task DelayAsync(CancellationToken cancellationToken)
    {
        var remaining = deadline - Elapsed;
        var delay = _backoff < remaining ? _backoff : remaining;
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay * (0.5 + (Random.Shared.NextDouble() / 2)), time, cancellationToken).ConfigureAwait(false);
        }

        _backoff = _backoff * 2 < MaxBackoff ? _backoff * 2 : MaxBackoff;
    }
}
