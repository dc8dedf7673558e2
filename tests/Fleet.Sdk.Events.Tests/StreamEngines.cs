namespace Fleet.Sdk.Events.Tests;

/// <summary>The <c>Fleet:Coordination</c> settings of each engine the durable stream tests run on.</summary>
internal static class StreamEngines
{
    public static IReadOnlyDictionary<string, string?> InProcess { get; } = new Dictionary<string, string?> { ["Fleet:Coordination:Engine"] = "InProcess" };

    public static IReadOnlyDictionary<string, string?> Redis(string connectionString) => new Dictionary<string, string?>
    {
        ["Fleet:Coordination:Redis:ConnectionString"] = connectionString,
        ["Fleet:Coordination:Redis:ConnectTimeout"] = "00:00:02",
        ["Fleet:Coordination:Redis:OperationTimeout"] = "00:00:02",
    };

    public static IReadOnlyDictionary<string, string?> Nats(string servers, int? replicas = null) => new Dictionary<string, string?>
    {
        ["Fleet:Coordination:Nats:Servers"] = servers,
        ["Fleet:Coordination:Nats:Replicas"] = replicas?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Fleet:Coordination:Nats:ConnectTimeout"] = "00:00:02",
        ["Fleet:Coordination:Nats:OperationTimeout"] = "00:00:02",
    };
}
