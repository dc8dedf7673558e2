using System.Text.Json.Serialization;

namespace Fleet.Sdk.GpuScheduling;

/// <summary>The source-generated JSON contract of <see cref="RedisEntry"/>.</summary>
[JsonSerializable(typeof(RedisEntry))]
internal sealed partial class RedisEntryJsonContext : JsonSerializerContext;
