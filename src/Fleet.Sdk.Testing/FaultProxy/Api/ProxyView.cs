namespace Fleet.Sdk.Testing;

/// <summary>A consistent picture of a proxy taken under the API lock, for serialisation.</summary>
internal sealed record ProxyView(string Name, string Listen, string Upstream, bool Enabled, IReadOnlyList<ToxicState> Toxics)
{
    public static ProxyView Of(FaultProxy proxy) => new(proxy.Name, proxy.Listen, proxy.Upstream, proxy.Enabled, proxy.Toxics.Snapshot());
}
