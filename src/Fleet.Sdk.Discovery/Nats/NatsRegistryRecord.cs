using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fleet.Sdk.Discovery;

/// <summary>
/// A registration as stored in the NATS registry bucket: the shared <see cref="InstanceRecord"/> JSON (schema 1)
/// plus <c>owner</c> (a SHA-256 prefix of the owner token, so the token itself is never readable from the bucket)
/// and <c>ttl_ms</c> (the registration's own TTL; the bucket's max age is only the upper bound). The heartbeat time
/// is not in the value: it is the entry's server-side timestamp.
/// </summary>
internal static class NatsRegistryRecord
{
    public static byte[] Serialize(ServiceInstance instance, int pid, string ownerToken, TimeSpan ttl)
    {
        var node = JsonNode.Parse(InstanceRecord.Serialize(instance, pid))!.AsObject();
        node["owner"] = Owner(ownerToken);
        node["ttl_ms"] = (long)Math.Ceiling(ttl.TotalMilliseconds);
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    /// <summary>The stored form of an owner token.</summary>
    public static string Owner(string ownerToken) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ownerToken)))[..32];

    /// <summary>Reads the fields the registry itself needs (owner, TTL, holder, fingerprint) from a stored value.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> value, out Header header)
    {
        header = default;
        if (value.Length == 0 || value.Length > InstanceRecord.MaxRecordBytes)
        {
            return false;
        }

        try
        {
            using var json = JsonDocument.Parse(value.ToArray());
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("ttl_ms", out var ttl) || ttl.ValueKind != JsonValueKind.Number || !ttl.TryGetInt64(out var ttlMs) || ttlMs <= 0)
            {
                return false;
            }

            header = new Header(
                Text(root, "owner"),
                TimeSpan.FromMilliseconds(ttlMs),
                Text(root, "machine") ?? "?",
                root.TryGetProperty("pid", out var pid) && pid.ValueKind == JsonValueKind.Number ? pid.GetRawText() : "?",
                Text(root, "fingerprint"));
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>What the registry reads from a stored value before the full record.</summary>
    /// <param name="Owner">The owner's stored form.</param>
    /// <param name="Ttl">The registration's TTL.</param>
    /// <param name="Machine">The holder's machine, for a conflict message.</param>
    /// <param name="Pid">The holder's process id, for a conflict message.</param>
    /// <param name="Fingerprint">Changes when the registration's content changes (not on a plain heartbeat).</param>
    internal readonly record struct Header(string? Owner, TimeSpan Ttl, string Machine, string Pid, string? Fingerprint);
}
