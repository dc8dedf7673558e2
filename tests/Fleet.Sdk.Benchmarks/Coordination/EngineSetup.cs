using Fleet.Sdk.Config;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Sdk.Benchmarks.Coordination;

/// <summary>
/// How the coordination runners (coord, ledger, stream, gpu) set up an engine: its <c>Fleet:Coordination</c> settings,
/// a NATS cluster ready for JetStream, and a service collection configured from settings as a host would be.
/// </summary>
internal static class EngineSetup
{
    /// <summary>The in-process engine.</summary>
    public static Dictionary<string, string?> InProcess() => new() { ["Fleet:Coordination:Engine"] = "InProcess" };

    /// <summary>Redis at <paramref name="connectionString"/>; with <paramref name="minReplicaAcks"/>, writes wait for that many replicas.</summary>
    public static Dictionary<string, string?> Redis(string connectionString, int? minReplicaAcks = null)
    {
        var settings = new Dictionary<string, string?> { ["Fleet:Coordination:Redis:ConnectionString"] = connectionString };
        if (minReplicaAcks is { } acks)
        {
            settings["Fleet:Coordination:Redis:MinReplicaAcks"] = acks.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return settings;
    }

    /// <summary>NATS at <paramref name="servers"/>; with <paramref name="replicas"/>, JetStream keeps that many copies.</summary>
    public static Dictionary<string, string?> Nats(string servers, int? replicas = null)
    {
        var settings = new Dictionary<string, string?> { ["Fleet:Coordination:Nats:Servers"] = servers };
        if (replicas is { } count)
        {
            settings["Fleet:Coordination:Nats:Replicas"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return settings;
    }

    /// <summary>A service collection whose configuration is <paramref name="settings"/> (later ones win) and whose environment is empty.</summary>
    public static ServiceCollection Services(params IReadOnlyDictionary<string, string?>[] settings)
    {
        var configuration = new ConfigurationBuilder();
        foreach (var layer in settings)
        {
            configuration.AddInMemoryCollection(layer);
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration.Build());
        services.AddSingleton<IEnvironmentVariables>(new DictionaryEnvironmentVariables());
        return services;
    }
}
