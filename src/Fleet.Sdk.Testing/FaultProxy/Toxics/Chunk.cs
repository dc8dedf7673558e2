namespace Fleet.Sdk.Testing;

/// <summary>A piece of data read from one socket, stamped with the time it was read.</summary>
/// <param name="Buffer">The pooled buffer holding the data.</param>
/// <param name="Offset">Where the data starts in <paramref name="Buffer"/>.</param>
/// <param name="Count">How many bytes.</param>
/// <param name="Timestamp">When it was read (a <see cref="TimeProvider"/> timestamp), moved on by latency toxics.</param>
internal readonly record struct Chunk(byte[] Buffer, int Offset, int Count, long Timestamp)
{
    public ReadOnlyMemory<byte> Memory => new(Buffer, Offset, Count);

    public Chunk Slice(int start, int count) => this with { Offset = Offset + start, Count = count };
}
