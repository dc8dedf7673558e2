using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Sdk.Discovery;

/// <summary>
/// An instance as stored in Redis (schema version 1). Records written by anything else (wrong
/// JSON, wrong types, missing fields, huge values) are rejected here, counted, and skipped.
/// </summary>
internal sealed class InstanceRecord
{
    public const int SchemaVersion = 1;

    /// <summary>Records larger than this are not parsed: a registration is a few hundred bytes.</summary>
    public const int MaxRecordBytes = 64 * 1024;

    [JsonPropertyName("v")]
    public int Version { get; set; }

    [JsonPropertyName("service")]
    public string? Service { get; set; }

    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("machine")]
    public string? Machine { get; set; }

    [JsonPropertyName("endpoints")]
    public Dictionary<string, string>? Endpoints { get; set; }

    [JsonPropertyName("version")]
    public string? AppVersion { get; set; }

    [JsonPropertyName("metadata")]
    public Dictionary<string, string>? Metadata { get; set; }

    [JsonPropertyName("health")]
    public string? Health { get; set; }

    [JsonPropertyName("pid")]
    public int Pid { get; set; }

    [JsonPropertyName("fingerprint")]
    public string? Fingerprint { get; set; }

    // Set by the registration script from the Redis clock: milliseconds since the Unix epoch.
    [JsonPropertyName("heartbeat")]
    public long Heartbeat { get; set; }

    public static string Serialize(ServiceInstance instance, int pid)
    {
        var record = new InstanceRecord
        {
            Version = SchemaVersion,
            Service = instance.ServiceName,
            Id = instance.InstanceId,
            Machine = instance.Machine,
            Endpoints = new Dictionary<string, string>(instance.Endpoints),
            AppVersion = instance.Version,
            Metadata = new Dictionary<string, string>(instance.Metadata),
            Health = instance.Health.ToString(),
            Pid = pid,
        };
        record.Fingerprint = Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(record, InstanceRecordJson.Default.InstanceRecord)))[..16];
        return JsonSerializer.Serialize(record, InstanceRecordJson.Default.InstanceRecord);
    }

    public static bool TryParse(string? json, out ServiceInstance instance, out string reason)
    {
        instance = null!;
        if (json is null)
        {
            reason = "no value";
            return false;
        }

        if (Encoding.UTF8.GetByteCount(json) > MaxRecordBytes)
        {
            reason = $"larger than {MaxRecordBytes} bytes";
            return false;
        }

        InstanceRecord? record;
        try
        {
            record = JsonSerializer.Deserialize(json, InstanceRecordJson.Default.InstanceRecord);
        }
        catch (JsonException ex)
        {
            reason = $"not a registration: {ex.Message}";
            return false;
        }

        if (record is null || record.Version != SchemaVersion || string.IsNullOrWhiteSpace(record.Service) ||
            string.IsNullOrWhiteSpace(record.Id) || string.IsNullOrWhiteSpace(record.Machine) ||
            !Enum.TryParse<InstanceHealth>(record.Health, ignoreCase: false, out var health))
        {
            reason = "missing or invalid fields (v, service, id, machine, health)";
            return false;
        }

        instance = new ServiceInstance
        {
            ServiceName = record.Service,
            InstanceId = record.Id,
            Machine = record.Machine,
            Endpoints = record.Endpoints ?? [],
            Version = record.AppVersion,
            Metadata = record.Metadata ?? [],
            Health = health,
            LastHeartbeat = record.Heartbeat > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(record.Heartbeat) : null,
        };
        reason = string.Empty;
        return true;
    }
}
