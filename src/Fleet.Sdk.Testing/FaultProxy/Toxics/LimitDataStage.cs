namespace Fleet.Sdk.Testing;

/// <summary>
/// <c>limit_data</c>: forwards exactly <c>bytes</c> bytes on this link, then closes it. The count
/// survives updates of the toxic, as Toxiproxy keeps it on the link.
/// </summary>
internal sealed class LimitDataStage : ToxicStage
{
    private long _transmitted;

    protected override async ValueTask<StageOutcome> ApplyAsync(Chunk chunk, ChunkSink next, StageContext context)
    {
        var limit = Toxic["bytes"];
        var take = (int)Math.Min(Math.Max(0, limit - _transmitted), chunk.Count);
        if (take > 0)
        {
            if (!await next(chunk.Slice(0, take)).ConfigureAwait(false))
            {
                return StageOutcome.Continue;
            }

            _transmitted += take;
        }

        return limit - _transmitted <= 0 ? StageOutcome.Close : StageOutcome.Continue;
    }
}
