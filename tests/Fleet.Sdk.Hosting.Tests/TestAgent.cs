using Fleet.Sdk.Config;
using Fleet.Sdk.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fleet.Sdk.Hosting.Tests;

/// <summary>A real agent host on loopback: a topology in a temp folder, the RPC server and the health port on free ports.</summary>
internal sealed class TestAgent : IAsyncDisposable
{
    private readonly TempDirectory _temp;

    private TestAgent(TempDirectory temp, IHost host)
    {
        _temp = temp;
        Host = host;
    }

    public IHost Host { get; }

    public IFleetAgent Agent => Host.Services.GetRequiredService<IFleetAgent>();

    public string RpcEndpoint => Agent.RpcEndpoints[0];

    public Uri HealthAddress => Agent.HealthAddress!;

    /// <summary>The topology of one machine: agent Echo, and Missing (required when asked) that nobody runs.</summary>
    public static string Topology(bool missingRequired) => $"""
        version: 1
        machines:
          mainpc: {"{"} host: 127.0.0.1 {"}"}
        agents:
          Echo:
            machine: mainpc
          Missing:
            machine: mainpc
            port: 1
            required: {(missingRequired ? "true" : "false")}
        """;

    public static IHost Build(
        TempDirectory temp,
        Action<HostApplicationBuilder>? configure = null,
        IDictionary<string, string?>? settings = null,
        string? topology = null,
        string agent = "Echo",
        string machine = "mainpc")
    {
        temp.WriteFile("config/fleet.yaml", topology ?? Topology(missingRequired: false));
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = temp.Path,
            EnvironmentName = "Development",
            Args = [],
        });
        builder.AddFleetAgentDefaults(o =>
        {
            o.Directory = temp.Combine("config");
            o.Machine = machine;
            o.Agent = agent;
        });
        var values = new Dictionary<string, string?>
        {
            ["Fleet:Messaging:Server:Endpoints:0"] = "tcp://127.0.0.1:*",
            ["Fleet:Hosting:HealthPort"] = "0",
            ["Fleet:Logging:Console:Enabled"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(values);
        builder.MapAction("echo", request => request.Body.Clone());
        configure?.Invoke(builder);
        return builder.Build();
    }

    public static async Task<TestAgent> StartAsync(
        Action<HostApplicationBuilder>? configure = null,
        IDictionary<string, string?>? settings = null)
    {
        var temp = new TempDirectory();
        var host = Build(temp, configure, settings);
        await host.StartAsync();
        return new TestAgent(temp, host);
    }

    public AgentRpcClient Client(int maxRetries = 0) =>
        new(Host.Services.GetRequiredService<ZmqContext>(), new AgentRpcClientOptions { Endpoints = { RpcEndpoint }, MaxRetries = maxRetries });

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
        _temp.Dispose();
    }
}
