namespace Fleet.Sdk.Testing;

/// <summary>
/// One toxic as the API sees it: immutable, replaced as a whole when it is updated, so a stage
/// that holds it always reads a consistent set of attributes.
/// </summary>
internal sealed class ToxicState
{
    public ToxicState(string name, ToxicKind kind, string stream, ToxicStream direction, float toxicity, IReadOnlyDictionary<string, long> attributes)
    {
        Name = name;
        Kind = kind;
        Stream = stream;
        Direction = direction;
        Toxicity = toxicity;
        Attributes = attributes;
    }

    public string Name { get; }

    public ToxicKind Kind { get; }

    /// <summary>Gets the stream exactly as the client spelled it (Toxiproxy echoes it unchanged).</summary>
    public string Stream { get; }

    public ToxicStream Direction { get; }

    public float Toxicity { get; }

    /// <summary>Gets every attribute of the kind, in the kind's order; missing ones are 0.</summary>
    public IReadOnlyDictionary<string, long> Attributes { get; }

    public long this[string attribute] => Attributes.TryGetValue(attribute, out var value) ? value : 0;

    public ToxicState With(float toxicity, IReadOnlyDictionary<string, long> attributes) =>
        new(Name, Kind, Stream, Direction, toxicity, attributes);
}
