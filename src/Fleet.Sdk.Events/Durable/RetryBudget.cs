namespace Fleet.Sdk.Events;

/// <summary>
/// One durable stream call retried by <see cref="DurableStreamRetry"/>: its deadline, the attempts made
/// and the time since the first, and what to do before each retry.
/// </summary>
internal sealed class RetryBudget(TimeProvider time, TimeSpan deadline, Action<int, DurableStreamUnavailableException>? onRetry = null)
{
    private readonly long _started = time.GetTimestamp();

    /// <summary>Gets the attempts made so far.</summary>
    public int Attempts { get; private set; }

    /// <summary>Gets the time since the first attempt.</summary>
    public TimeSpan Elapsed => time.GetElapsedTime(_started);

    /// <summary>Gets the time left before the deadline (zero or less: give up).</summary>
    public TimeSpan Remaining => deadline - Elapsed;

    /// <summary>Counts an attempt.</summary>
    public void Attempt() => Attempts++;

    /// <summary>Called before each retry with the attempts made so far and the failure.</summary>
    public void Retrying(DurableStreamUnavailableException failure) => onRetry?.Invoke(Attempts, failure);
}
