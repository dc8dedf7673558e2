using System.Text.Json.Serialization;

namespace Fleet.Sdk.GpuScheduling;

/// <summary>The NATS ledger's JSON (source-generated, no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(NatsGpuLedgerDocument))]
[JsonSerializable(typeof(NatsGpuUsageDocument))]
internal sealed partial class NatsGpuLedgerJsonContext : JsonSerializerContext;
