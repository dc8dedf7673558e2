namespace Fleet.Sdk.Testing;

/// <summary><c>slow_close</c>: the end of the stream is passed on <c>delay</c> ms after it arrives.</summary>
internal sealed class SlowCloseStage : ToxicStage
{
    protected override ValueTask<StageOutcome> ApplyAsync(Chunk chunk, ChunkSink next, StageContext context) => PassAsync(chunk, next);

    public override async ValueTask OnEndAsync(StageContext context)
    {
        if (Applies)
        {
            await context.DelayAsync(Milliseconds(Toxic["delay"])).ConfigureAwait(false);
        }
    }
}
