namespace Fleet.Sdk.Testing;

/// <summary><c>noop</c>: passes data unchanged.</summary>
internal sealed class NoopStage : ToxicStage
{
    protected override ValueTask<StageOutcome> ApplyAsync(Chunk chunk, ChunkSink next, StageContext context) => PassAsync(chunk, next);
}

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

/// <summary>
/// <c>slicer</c>: each chunk is cut into pieces of about <c>average_size</c> +/- <c>size_variation</c>
/// bytes, <c>delay</c> microseconds apart; the data arrives intact for any attributes.
/// </summary>
internal sealed class SlicerStage : ToxicStage
{
    protected override async ValueTask<StageOutcome> ApplyAsync(Chunk chunk, ChunkSink next, StageContext context)
    {
        var toxic = Toxic;
        var ends = Cut(chunk.Count, toxic["average_size"], toxic["size_variation"]);
        var delay = Microseconds(toxic["delay"]);
        var start = 0;
        for (var i = 0; i < ends.Count; i++)
        {
            if (!await next(chunk.Slice(start, ends[i] - start)).ConfigureAwait(false))
            {
                return StageOutcome.Continue;
            }

            start = ends[i];
            if (i + 1 < ends.Count && delay > TimeSpan.Zero && !await context.DelayAsync(delay).ConfigureAwait(false))
            {
                await next(chunk.Slice(start, chunk.Count - start)).ConfigureAwait(false);
                return StageOutcome.Continue;
            }
        }

        return StageOutcome.Continue;
    }

    /// <summary>
    /// The end offsets of the pieces of a <paramref name="size"/>-byte chunk: halves recursively,
    /// moving each cut by up to the variation, until a piece is within the variation of the
    /// average. Every piece holds at least one byte, so any attributes reassemble exactly.
    /// </summary>
    internal static List<int> Cut(int size, long average, long variation)
    {
        var ends = new List<int>();
        Split(0, size, average, Math.Max(0, variation), ends);
        return ends;
    }

    private static void Split(int start, int end, long average, long variation, List<int> ends)
    {
        var size = end - start;
        if (size <= 1 || size - average <= variation)
        {
            if (size > 0)
            {
                ends.Add(end);
            }

            return;
        }

        var shift = variation > 0 ? Random.Shared.NextInt64(-variation, variation) : 0;
        var mid = (int)Math.Clamp(start + (size / 2) + shift, start + 1, end - 1);
        Split(start, mid, average, variation, ends);
        Split(mid, end, average, variation, ends);
    }
}

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
