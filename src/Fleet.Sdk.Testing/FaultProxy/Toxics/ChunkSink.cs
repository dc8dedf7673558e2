namespace Fleet.Sdk.Testing;

/// <summary>Passes a chunk to the rest of the chain; <see langword="false"/> when the link closed meanwhile.</summary>
internal delegate ValueTask<bool> ChunkSink(Chunk chunk);
