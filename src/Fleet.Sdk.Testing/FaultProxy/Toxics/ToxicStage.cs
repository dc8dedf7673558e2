namespace Fleet.Sdk.Testing;

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
