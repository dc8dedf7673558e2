namespace Fleet.Sdk.Testing;

/// <summary>
/// <c>bandwidth</c>: each chunk is delayed bytes/rate ms (rate in KB/s, 1 KB = 1000 B); chunks
/// larger than rate*100 bytes leave in rate*100-byte pieces every 100 ms. Oversleeping is paid
/// back on the next chunk, as Toxiproxy does.
/// </summary>
internal sealed class BandwidthStage : ToxicStage
{
    private static readonly TimeSpan Slot = TimeSpan.FromMilliseconds(100);
    private TimeSpan _debt;

    protected override async ValueTask<StageOutcome> ApplyAsync(Chunk chunk, ChunkSink next, StageContext context)
    {
        var rate = Toxic["rate"];
        if (rate <= 0)
        {
            _debt = TimeSpan.Zero;
            return await PassAsync(chunk, next).ConfigureAwait(false);
        }

        _debt += TimeSpan.FromMilliseconds((double)chunk.Count / rate);

        // A rate so high that a slot exceeds any chunk never slices (rate * 100 would overflow).
        var slotBytes = Math.Min(rate, int.MaxValue / 100) * 100;
        while (chunk.Count > slotBytes)
        {
            if (!await context.DelayAsync(Slot).ConfigureAwait(false))
            {
                await next(chunk).ConfigureAwait(false);
                return StageOutcome.Continue;
            }

            if (!await next(chunk.Slice(0, (int)slotBytes)).ConfigureAwait(false))
            {
                return StageOutcome.Continue;
            }

            chunk = chunk.Slice((int)slotBytes, chunk.Count - (int)slotBytes);
            _debt -= Slot;
        }

        var start = context.Now;
        await context.DelayAsync(_debt).ConfigureAwait(false);
        _debt -= context.Time.GetElapsedTime(start);
        if (_debt < -Slot)
        {
            _debt = -Slot;
        }

        await next(chunk).ConfigureAwait(false);
        return StageOutcome.Continue;
    }
}
