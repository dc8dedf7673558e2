using System.Text.Json;

namespace Fleet.Sdk.Testing;

/// <summary>The fields of a toxic in a create request, with Toxiproxy's defaults.</summary>
internal sealed class ToxicFields
{
    public string Name { get; set; } = string.Empty;

    public string Type { get; set; } = string.Empty;

    public string Stream { get; set; } = "downstream";

    public float Toxicity { get; set; } = 1f;

    public JsonElement? Attributes { get; set; }
}
