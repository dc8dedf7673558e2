using System.Collections.Frozen;

namespace Fleet.Sdk.Testing;

/// <summary>
/// One toxic type of Toxiproxy: its name, its integer attributes in Toxiproxy's field order, and
/// the per-link stage that carries out its behaviour.
/// </summary>
internal sealed class ToxicKind
{
    private ToxicKind(string type, string goTypeName, string[] attributes, Func<ToxicStage> createStage)
    {
        Type = type;
        GoTypeName = goTypeName;
        Attributes = attributes;
        CreateStage = createStage;
    }

    /// <summary>Gets the type name clients send (<c>latency</c>, <c>bandwidth</c>...).</summary>
    public string Type { get; }

    /// <summary>Gets the name of Toxiproxy's Go struct, used in its decode error messages.</summary>
    public string GoTypeName { get; }

    /// <summary>Gets the attribute names, in the order Toxiproxy serialises them.</summary>
    public IReadOnlyList<string> Attributes { get; }

    /// <summary>Gets a factory for the stage that applies this toxic to one direction of one connection.</summary>
    public Func<ToxicStage> CreateStage { get; }

    public static readonly FrozenDictionary<string, ToxicKind> All = new[]
    {
        new ToxicKind("latency", "LatencyToxic", ["latency", "jitter"], () => new LatencyStage()),
        new ToxicKind("bandwidth", "BandwidthToxic", ["rate"], () => new BandwidthStage()),
        new ToxicKind("slow_close", "SlowCloseToxic", ["delay"], () => new SlowCloseStage()),
        new ToxicKind("timeout", "TimeoutToxic", ["timeout"], () => new TimeoutStage()),
        new ToxicKind("reset_peer", "ResetToxic", ["timeout"], () => new ResetPeerStage()),
        new ToxicKind("slicer", "SlicerToxic", ["average_size", "size_variation", "delay"], () => new SlicerStage()),
        new ToxicKind("limit_data", "LimitDataToxic", ["bytes"], () => new LimitDataStage()),
        new ToxicKind("noop", "NoopToxic", [], () => new NoopStage()),
    }.ToFrozenDictionary(k => k.Type, StringComparer.Ordinal);
}
