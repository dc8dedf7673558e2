namespace Fleet.Sdk.Testing;

/// <summary>The fields of a proxy in a request body; each starts at its default or current value.</summary>
internal sealed class ProxyFields
{
    public string? Name { get; set; }

    public string? Listen { get; set; }

    public string? Upstream { get; set; }

    public bool? Enabled { get; set; }
}
