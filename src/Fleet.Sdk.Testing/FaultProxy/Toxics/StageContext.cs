namespace Fleet.Sdk.Testing;

/// <summary>
/// What a stage may ask of its link: the clock, and delays that end early when the chain changes
/// (Toxiproxy flushes what a toxic holds when toxics are added, updated or removed).
/// </summary>
internal sealed class StageContext
{
    private readonly CancellationToken _closed;

    public StageContext(TimeProvider time, CancellationToken closed)
    {
        Time = time;
        _closed = closed;
    }

    public TimeProvider Time { get; }

    /// <summary>Gets or sets the token cancelled when the chain changes; set by the link per chunk.</summary>
    public CancellationToken Interrupt { get; set; }

    public long Now => Time.GetTimestamp();

    public long Add(long timestamp, TimeSpan delay) => timestamp + (long)(delay.TotalSeconds * Time.TimestampFrequency);

    public TimeSpan Until(long timestamp) => Time.GetElapsedTime(Time.GetTimestamp(), timestamp);

    /// <summary>Waits; <see langword="false"/> when the chain changed first. Throws when the link closes.</summary>
    public async ValueTask<bool> DelayAsync(TimeSpan delay)
    {
        delay = Clamp(delay);
        if (delay <= TimeSpan.Zero)
        {
            return !Interrupt.IsCancellationRequested;
        }

        try
        {
            await Task.Delay(delay, Time, Interrupt).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!_closed.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Waits whatever the chain does; throws only when the link closes.</summary>
    public Task DelayUninterruptedAsync(TimeSpan delay) =>
        delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(Clamp(delay), Time, _closed);

    private static TimeSpan Clamp(TimeSpan delay) =>
        delay > MaxDelay ? MaxDelay : delay;

    private static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(int.MaxValue);
}
