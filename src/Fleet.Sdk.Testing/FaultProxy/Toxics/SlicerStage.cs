namespace Fleet.Sdk.Testing;

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
