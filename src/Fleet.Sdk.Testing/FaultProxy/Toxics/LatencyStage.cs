namespace Fleet.Sdk.Testing;

/// <summary>
/// <c>latency</c>: each chunk leaves at the time it was read plus latency +/- jitter. The chunk's
/// timestamp moves to its departure, so two latencies in a chain add up; throughput is not reduced
/// because the reader keeps reading while the writer waits.
/// </summary>
internal sealed class LatencyStage : ToxicStage
{
    protected override async ValueTask<StageOutcome> ApplyAsync(Chunk chunk, ChunkSink next, StageContext context)
    {
        var toxic = Toxic;
        var delay = toxic["latency"];
        var jitter = toxic["jitter"];
        if (jitter > 0)
        {
            // Saturating: latency and jitter may be any int64, and a wrapped sum would turn a huge delay into none.
            var offset = Random.Shared.NextInt64(-jitter, jitter);
            delay = offset > 0 && delay > long.MaxValue - offset ? long.MaxValue
                : offset < 0 && delay < long.MinValue - offset ? long.MinValue
                : delay + offset;
        }

        var due = context.Add(chunk.Timestamp, Milliseconds(delay));
        if (!await context.DelayAsync(context.Until(due)).ConfigureAwait(false))
        {
            due = context.Now;
        }

        await next(chunk with { Timestamp = due }).ConfigureAwait(false);
        return StageOutcome.Continue;
    }
}
