namespace Fleet.Sdk.Testing;

/// <summary>
/// <c>timeout</c>: data is discarded; the link closes <c>timeout</c> ms after the toxic started or
/// last discarded data (0 = never). Removing the toxic closes the connections it was holding.
/// </summary>
internal sealed class TimeoutStage : ToxicStage
{
    private long _lastActivity;

    public override bool ClosesLinkWhenRemoved => Applies;

    public override long? IdleDeadline(StageContext context)
    {
        var timeout = Toxic["timeout"];
        return Applies && timeout > 0 ? context.Add(Volatile.Read(ref _lastActivity), Milliseconds(timeout)) : null;
    }

    protected override ValueTask<StageOutcome> ApplyAsync(Chunk chunk, ChunkSink next, StageContext context)
    {
        // Dropped: the chunk never reaches the next stage.
        Volatile.Write(ref _lastActivity, context.Now);
        return ValueTask.FromResult(StageOutcome.Continue);
    }

    protected override void OnConfigured(StageContext context) => Volatile.Write(ref _lastActivity, context.Now);
}
