using System.Text.Json.Serialization;

namespace Fleet.Sdk.GpuScheduling;

/// <summary>A ledger entry as the scripts write it (cjson; numbers may come back as doubles).</summary>
internal sealed class RedisEntry
{
    [JsonPropertyName("s")]
    public string? S { get; set; }

    [JsonPropertyName("m")]
    public double M { get; set; }

    [JsonPropertyName("p")]
    public double P { get; set; }

    [JsonPropertyName("x")]
    public double X { get; set; }

    [JsonPropertyName("t")]
    public double T { get; set; }

    [JsonPropertyName("w")]
    public string? W { get; set; }

    [JsonPropertyName("v")]
    public string? V { get; set; }

    [JsonPropertyName("h")]
    public string? H { get; set; }
}
