namespace Fleet.Sdk.Testing;

/// <summary>What a partition does to the data caught in it.</summary>
public enum PartitionMode
{
    /// <summary>
    /// Data is discarded (Toxiproxy's <c>timeout</c> toxic with timeout 0). Connections stay open
    /// and silent; healing closes the ones that were cut, so clients must reconnect.
    /// </summary>
    Drop,

    /// <summary>
    /// Data is held (a latency far longer than any test) and delivered when the partition heals;
    /// connections survive, as TCP connections survive a short real partition.
    /// </summary>
    Hold,
}
