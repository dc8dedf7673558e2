using System.Text.Json.Serialization;

namespace Fleet.Sdk.Discovery;

/// <summary>The source-generated JSON contract of <see cref="InstanceRecord"/> (nulls are not written).</summary>
[JsonSerializable(typeof(InstanceRecord))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class InstanceRecordJson : JsonSerializerContext;
