namespace Fleet.Sdk.Testing;

/// <summary>The direction of the data a toxic acts on, as Toxiproxy names it.</summary>
public enum ToxicStream
{
    /// <summary>Server to client: the data the upstream sends back. Toxiproxy's default.</summary>
    Downstream = 0,

    /// <summary>Client to server: the data the client sends.</summary>
    Upstream = 1,
}
