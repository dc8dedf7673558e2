using System.Collections.Concurrent;

namespace Fleet.Sdk.Events;

/// <summary>
/// The in-process engine's streams: kept in this process's memory, shared by every host of the process
/// with the same fleet (<c>Fleet:Coordination:FleetName</c>), gone when the process exits.
/// </summary>
internal sealed class InProcessStreamStore
{
    private static readonly ConcurrentDictionary<string, InProcessStreamStore> Fleets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, InProcessStream> _streams = new(StringComparer.Ordinal);

    /// <summary>A backend on the streams of the fleet whose keys start with <paramref name="keyPrefix"/>.</summary>
    public static IDurableStreamBackend For(string keyPrefix, DurableStreamOptions options, TimeProvider time) =>
        new InProcessStreamBackend(Fleets.GetOrAdd(keyPrefix, static _ => new InProcessStreamStore()), options, time);

    /// <summary>The stream <paramref name="name"/>, created empty on first use.</summary>
    public InProcessStream Stream(string name) => _streams.GetOrAdd(name, static n => new InProcessStream(n));
}
