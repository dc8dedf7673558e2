namespace Fleet.Sdk.Testing;

/// <summary><c>noop</c>: passes data unchanged.</summary>
internal sealed class NoopStage : ToxicStage
{
    protected override ValueTask<StageOutcome> ApplyAsync(Chunk chunk, ChunkSink next, StageContext context) => PassAsync(chunk, next);
}
