namespace Fleet.Sdk.Testing;

/// <summary>A piece of data read from one socket, stamped with the time it was read.</summary>
/// <param name="Buffer">The pooled buffer holding the data.</param>
/// <param name="Offset">Where the data starts in <paramref name="Buffer"/>.</param>
/// <param name="Count">How many bytes.</param>
/// <param name="Timestamp">When it was read (a <see cref="TimeProvider"/> timestamp), moved on by latency toxics.</param>
internal readonly record struct Chunk(byte[] Buffer, int Offset, int Count, long Timestamp)
{
    public ReadOnlyMemory<byte> Memory => new(Buffer, Offset, Count);

    public Chunk Slice(int start, int count) => this with { Offset = Offset + start, Count = count };
}

/// <summary>Passes a chunk to the rest of the chain; <see langword="false"/> when the link closed meanwhile.</summary>
internal delegate ValueTask<bool> ChunkSink(Chunk chunk);

/// <summary>What a stage decided about its link.</summary>
internal enum StageOutcome
{
    /// <summary>Keep going.</summary>
    Continue,

    /// <summary>Close the link after the following stages saw the end (limit_data, timeout).</summary>
    Close,

    /// <summary>Reset the whole connection (reset_peer): both peers see ECONNRESET.</summary>
    Reset,
}

/// <summary>
/// One toxic applied to one direction of one connection. Stages run one chunk at a time, in
/// chain order, on the link's writer; per-connection state (bytes sent, idle time) lives here.
/// Toxicity is drawn when the stage starts on its link, and again when the toxic is updated.
/// </summary>
internal abstract class ToxicStage
{
    private ToxicState _toxic = null!;
    private volatile bool _applies;

    public ToxicState Toxic => Volatile.Read(ref _toxic);

    /// <summary>Gets a value indicating whether the toxicity draw made this stage act on its link.</summary>
    public bool Applies => _applies;

    /// <summary>Gets the timestamp at which the stage closes an idle link, or <see langword="null"/>.</summary>
    public virtual long? IdleDeadline(StageContext context) => null;

    /// <summary>Gets a value indicating whether removing the toxic closes the link (timeout does).</summary>
    public virtual bool ClosesLinkWhenRemoved => false;

    public void Configure(ToxicState toxic, StageContext context)
    {
        Volatile.Write(ref _toxic, toxic);
        _applies = toxic.Toxicity > 0 && Random.Shared.NextSingle() < toxic.Toxicity;
        OnConfigured(context);
    }

    /// <summary>Handles one chunk: the toxic's behaviour when the toxicity draw made it apply, else a plain pass.</summary>
    public ValueTask<StageOutcome> OnChunkAsync(Chunk chunk, ChunkSink next, StageContext context) =>
        Applies ? ApplyAsync(chunk, next, context) : PassAsync(chunk, next);

    /// <summary>The source ended; runs before the destination is closed.</summary>
    public virtual ValueTask OnEndAsync(StageContext context) => ValueTask.CompletedTask;

    protected virtual void OnConfigured(StageContext context)
    {
    }

    /// <summary>The toxic's behaviour for one chunk; <paramref name="next"/> takes what it lets through.</summary>
    protected abstract ValueTask<StageOutcome> ApplyAsync(Chunk chunk, ChunkSink next, StageContext context);

    protected static async ValueTask<StageOutcome> PassAsync(Chunk chunk, ChunkSink next)
    {
        await next(chunk).ConfigureAwait(false);
        return StageOutcome.Continue;
    }

    /// <summary>Milliseconds as a delay <see cref="Task.Delay(TimeSpan)"/> accepts (0 to about 24 days).</summary>
    protected static TimeSpan Milliseconds(long value) => TimeSpan.FromMilliseconds(Math.Clamp(value, 0, int.MaxValue));

    /// <summary>Microseconds as a delay, within the same bounds as <see cref="Milliseconds"/> (a larger int64 would overflow a <see cref="TimeSpan"/>).</summary>
    protected static TimeSpan Microseconds(long value) => TimeSpan.FromMicroseconds(Math.Clamp(value, 0, int.MaxValue * 1000L));
}

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
