using Fleet.Sdk.Config;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Events.Tests;

/// <summary>A host with durable streams on a coordination engine; disposing it stops the host and removes its folder.</summary>
internal sealed class StreamsHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly TempDirectory _root;

    private StreamsHost(IHost host, TempDirectory root)
    {
        _host = host;
        _root = root;
    }

    public IDurableStreams Streams => _host.Services.GetRequiredService<IDurableStreams>();

    public IServiceProvider Services => _host.Services;

    /// <summary>Starts a host on a Redis at <paramref name="connectionString"/>.</summary>
    public static Task<StreamsHost> StartAsync(string connectionString, string fleet, IDictionary<string, string?>? settings = null, ListLoggerProvider? logs = null) =>
        StartAsync(StreamEngines.Redis(connectionString), fleet, settings, logs);

    /// <summary>Starts a host on the engine that <paramref name="engine"/>'s <c>Fleet:Coordination</c> settings name.</summary>
    public static async Task<StreamsHost> StartAsync(IReadOnlyDictionary<string, string?> engine, string fleet, IDictionary<string, string?>? settings = null, ListLoggerProvider? logs = null)
    {
        var root = new TempDirectory();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = root.Path });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fleet:Coordination:FleetName"] = fleet,
            ["Fleet:Discovery:Machine"] = "mainpc",
            ["Fleet:Events:Durable:MaxBytes"] = "8388608",
        });
        builder.Configuration.AddInMemoryCollection(engine);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        builder.Services.AddSingleton<IEnvironmentVariables>(new DictionaryEnvironmentVariables());
        builder.Services.AddFleetDurableStreams();
        var host = builder.Build();
        await host.StartAsync();
        return new StreamsHost(host, root);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        _root.Dispose();
    }
}
