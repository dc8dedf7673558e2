using System.Net;
using System.Net.Sockets;
using Fleet.Sdk.Config;
using Fleet.Sdk.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Messaging.Tests.DependencyInjection;

public sealed class FleetMessagingRegistrationTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ListLoggerProvider _logs = new();
    private readonly Dictionary<string, string?> _configuration = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Host_ServerEndpointsConfigured_ServesHandlersAndClientFactoryCallsThem()
    {
        var port = FreePort();
        _configuration["Fleet:Messaging:AgentName"] = "di-agent";
        _configuration["Fleet:Messaging:Server:Endpoints:0"] = $"tcp://127.0.0.1:{port}";
        _configuration["Fleet:Messaging:Services:self:Endpoints:0"] = $"tcp://127.0.0.1:{port}";
        _configuration["Fleet:Messaging:Services:self:Protocol"] = "Fleet";

        using var host = await StartAsync(messaging => messaging
            .AddRpcHandler("add", request => new { sum = request.Body.GetProperty("a").GetInt32() + request.Body.GetProperty("b").GetInt32() })
            .AddRpcHandler("greet", services => (request, _) => ValueTask.FromResult<object?>(new { hello = services.GetRequiredService<IOptions<FleetMessagingOptions>>().Value.AgentName })));
        var client = host.Services.GetRequiredService<IAgentRpcClientFactory>().GetClient("SELF");

        var sum = await client.CallAsync("add", new { a = 2, b = 40 });
        var greeting = await client.CallAsync("greet");
        var health = await client.CallAsync("health_check");

        Assert.Equal(42, sum.GetProperty("sum").GetInt32());
        Assert.Equal("di-agent", greeting.GetProperty("hello").GetString());
        Assert.Equal("di-agent", health.GetProperty("agent").GetString());
        Assert.Same(client, host.Services.GetRequiredService<IAgentRpcClientFactory>().GetClient("self"));
        Assert.False(host.Services.GetRequiredService<AgentRpcServer>().UsesCurve);
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 4020);
    }

    [Fact]
    public async Task Host_InvalidOptions_StartFailsListingEveryKey()
    {
        _configuration["Fleet:Messaging:MaxMessageSize"] = "0";
        _configuration["Fleet:Messaging:Linger"] = "-00:00:01";
        _configuration["Fleet:Messaging:Server:MaxConcurrentRequests"] = "0";
        _configuration["Fleet:Messaging:Services:planner:Timeout"] = "00:00:00";

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync());

        var failures = string.Join("\n", error.Failures);
        Assert.Contains("Fleet:Messaging:MaxMessageSize must be a positive number of bytes", failures, StringComparison.Ordinal);
        Assert.Contains("Fleet:Messaging:Linger must be zero or a positive, finite duration", failures, StringComparison.Ordinal);
        Assert.Contains("Fleet:Messaging:Server:MaxConcurrentRequests must be at least 1", failures, StringComparison.Ordinal);
        Assert.Contains("Fleet:Messaging:Services:planner:Endpoints is empty", failures, StringComparison.Ordinal);
        Assert.Contains("Fleet:Messaging:Services:planner:Timeout must be positive", failures, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_ServerOnNonLoopbackWithoutCertificate_StartFailsWithSecurityFix()
    {
        _configuration["Fleet:Messaging:Server:Endpoints:0"] = "tcp://10.254.254.254:7200";

        var error = await Assert.ThrowsAsync<FleetSecurityException>(() => StartAsync());

        Assert.Contains("Fleet:Security:CertificateName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_CertificateConfigured_ServerUsesCurveByDefault()
    {
        using var curve = new CurveSetup();
        _configuration["Fleet:Security:CertificatesDirectory"] = curve.Directory;
        _configuration["Fleet:Security:CertificateName"] = "server";
        _configuration["Fleet:Messaging:Server:Endpoints:0"] = "tcp://127.0.0.1:*";

        using var host = await StartAsync();

        var server = host.Services.GetRequiredService<AgentRpcServer>();
        Assert.True(server.UsesCurve);
        using var context = new ZmqContext(security: curve.Security("client"));
        var options = new AgentRpcClientOptions { ServerKey = curve.Server.PublicKey.ToZ85() };
        options.Endpoints.Add(server.Endpoints[0]);
        using var client = new AgentRpcClient(context, options);
        var reply = await client.CallAsync("health_check");
        Assert.Equal("ok", reply.GetProperty("status").GetString());
    }

    [Fact]
    public void AddFleetMessaging_CalledTwice_OneContextOneServerOneHostedService()
    {
        var services = new ServiceCollection().AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());

        services.AddFleetMessaging();
        services.AddFleetMessaging(o => o.AgentName = "configured");

        Assert.Single(services, d => d.ServiceType == typeof(ZmqContext));
        Assert.Single(services, d => d.ServiceType == typeof(AgentRpcServer));
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "AgentRpcServerHostedService");
        using var provider = services.BuildServiceProvider();
        Assert.IsType<ZmqCurveKeyGenerator>(provider.GetRequiredService<ICurveKeyGenerator>());
        Assert.Equal("configured", provider.GetRequiredService<IOptions<FleetMessagingOptions>>().Value.AgentName);
    }

    [Fact]
    public void AddFleetMessaging_Section_BoundFromIt()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Custom:MaxMessageSize"] = "2048",
            ["Custom:Services:llm:Endpoints:0"] = "tcp://127.0.0.1:7001",
            ["Custom:Services:llm:Endpoints:1"] = "tcp://127.0.0.1:7002",
            ["Custom:Services:llm:MaxRetries"] = "1",
        }).Build();
        var services = new ServiceCollection();

        services.AddFleetMessaging(configuration.GetSection("Custom"));

        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<FleetMessagingOptions>>().Value;
        Assert.Equal(2048, options.MaxMessageSize);
        Assert.Equal(["tcp://127.0.0.1:7001", "tcp://127.0.0.1:7002"], options.Services["LLM"].Endpoints);
        Assert.Equal(1, options.Services["llm"].MaxRetries);
    }

    [Fact]
    public void ClientFactory_UnknownService_ListsConfiguredOnes()
    {
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddFleetMessaging(o => o.Services["planner"] = new AgentRpcClientOptions { Endpoints = { "tcp://127.0.0.1:7001" } });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<KeyNotFoundException>(() => provider.GetRequiredService<IAgentRpcClientFactory>().GetClient("RequestCoordinator"));

        Assert.Contains("No service 'RequestCoordinator' is configured: add Fleet:Messaging:Services:RequestCoordinator:Endpoints. Configured: planner.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_BridgeAndBridgeClientConfigured_BridgeRunsWithTheHostAndPublisherFollowsIt()
    {
        var (frontend, backend) = ($"tcp://127.0.0.1:{FreePort()}", $"tcp://127.0.0.1:{FreePort()}");
        _configuration["Fleet:Bridge:Name"] = "solo";
        _configuration["Fleet:Bridge:FrontendEndpoint"] = frontend;
        _configuration["Fleet:Bridge:BackendEndpoint"] = backend;
        _configuration["Fleet:Bridge:Client:Bridges:0:Frontend"] = frontend;
        _configuration["Fleet:Bridge:Client:Bridges:0:Backend"] = backend;

        using var host = await StartAsync(messaging => messaging.AddFleetBridge().AddFleetBridgeClient());
        var publisher = host.Services.GetRequiredService<BridgePublisher>();

        // A bridge without a peer becomes active when a client votes for it.
        Assert.True(await Poll.UntilAsync(() => Task.FromResult(publisher.ActiveBridge == "solo"), TimeSpan.FromSeconds(20)));
        Assert.Equal(BridgeState.Active, host.Services.GetRequiredService<FleetBridge>().State);
        using var subscriber = new BridgeSubscriber(host.Services.GetRequiredService<ZmqContext>(), host.Services.GetRequiredService<IOptions<FleetBridgeClientOptions>>().Value);
        EventMessage? received = null;
        Assert.True(await Poll.UntilAsync(
            () =>
            {
                publisher.Publish("models.loaded", "llama");
                return Task.FromResult(subscriber.TryReceive(TimeSpan.FromMilliseconds(50), out received));
            },
            TimeSpan.FromSeconds(20)));
        Assert.Equal("llama", received!.PayloadText());
        await host.StopAsync();
    }

    [Fact]
    public async Task Host_BridgeWithoutEndpoints_FailsStartListingEveryProblem()
    {
        _configuration["Fleet:Bridge:PeerTimeout"] = "00:00:00.100";

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(messaging => messaging.AddFleetBridge()));

        Assert.Contains("Fleet:Bridge:FrontendEndpoint is not set", error.Message, StringComparison.Ordinal);
        Assert.Contains("Fleet:Bridge:BackendEndpoint is not set", error.Message, StringComparison.Ordinal);
        Assert.Contains("three beacon intervals", error.Message, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<IHost> StartAsync(Action<IFleetMessagingBuilder>? handlers = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _temp.Path });
        builder.Configuration.AddInMemoryCollection(_configuration);
        builder.Logging.AddProvider(_logs);
        builder.Services.AddSingleton<IEnvironmentVariables>(new DictionaryEnvironmentVariables(new Dictionary<string, string>()));
        var messaging = builder.AddFleetMessaging();
        handlers?.Invoke(messaging);
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
