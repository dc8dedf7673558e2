namespace Fleet.Sdk.Testing;

/// <summary>
/// <c>reset_peer</c>: when data arrives, it is dropped and, <c>timeout</c> ms later, the connection
/// is reset (linger 0): both peers see ECONNRESET.
/// </summary>
internal sealed class ResetPeerStage : ToxicStage
{
    protected override async ValueTask<StageOutcome> ApplyAsync(Chunk chunk, ChunkSink next, StageContext context)
    {
        await context.DelayUninterruptedAsync(Milliseconds(Toxic["timeout"])).ConfigureAwait(false);
        return StageOutcome.Reset;
    }
}
