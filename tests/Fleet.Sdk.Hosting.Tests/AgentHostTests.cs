using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Sdk.Logging;
using Fleet.Sdk.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Hosting.Tests;

public sealed class AgentHostTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [PyZmqFact]
    public async Task HealthCheck_FromPyZmqReq_ReportsOkWithAgentStateAndDependencies()
    {
        await using var agent = await TestAgent.StartAsync();

        var (exitCode, output, error) = await PyZmq.RunAsync(PyZmqAgents.ReqCaller, TimeSpan.FromSeconds(30), "-", "client", agent.RpcEndpoint, """{"action": "health_check"}""");

        Assert.True(exitCode == 0, error);
        using var reply = JsonDocument.Parse(output);
        Assert.Equal("ok", reply.RootElement.GetProperty("status").GetString());
        Assert.Equal("Echo", reply.RootElement.GetProperty("agent").GetString());
        Assert.Equal("ready", reply.RootElement.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Object, reply.RootElement.GetProperty("dependencies").ValueKind);
        Assert.Equal("healthy", reply.RootElement.GetProperty("checks").GetProperty("discovery").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Http_HealthAliveAndMetrics_AnswerOnTheHealthPort()
    {
        await using var agent = await TestAgent.StartAsync();
        using (var client = agent.Client())
        {
            var echo = await client.CallAsync("echo", new { text = "hi" });
            Assert.Equal("hi", echo.GetProperty("text").GetString());
        }

        using var health = await Http.GetAsync(new Uri(agent.HealthAddress, "health"));
        using var alive = await Http.GetAsync(new Uri(agent.HealthAddress, "alive"));
        var metrics = await Http.GetStringAsync(new Uri(agent.HealthAddress, "metrics"));
        using var missing = await Http.GetAsync(new Uri(agent.HealthAddress, "nothing"));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var body = await health.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Contains("# TYPE fleet_hosting_requests_total counter", metrics, StringComparison.Ordinal);
        Assert.Contains("fleet_hosting_requests_total{action=\"echo\",outcome=\"ok\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("fleet_hosting_request_duration_seconds_count{action=\"echo\"} 1", metrics, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Start_OptionalDependencyMissing_StartsDegradedWithDetail()
    {
        var watch = Stopwatch.StartNew();
        await using var agent = await TestAgent.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Fleet:Hosting:Dependencies:Missing:Timeout"] = "00:00:00.500",
            ["Fleet:Hosting:Dependencies:Missing:Endpoint"] = "tcp://127.0.0.1:1",
        });

        Assert.Equal(AgentState.Degraded, agent.Agent.State);
        var dependency = Assert.Single(agent.Agent.Dependencies);
        Assert.False(dependency.Required);
        Assert.False(dependency.Available);
        using var health = await Http.GetAsync(new Uri(agent.HealthAddress, "health"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var body = await health.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("degraded", body.GetProperty("status").GetString());
        var detail = body.GetProperty("dependencies").GetProperty("Missing");
        Assert.Equal("down", detail.GetProperty("status").GetString());
        Assert.False(detail.GetProperty("required").GetBoolean());
        Assert.False(string.IsNullOrEmpty(detail.GetProperty("error").GetString()));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"start-up waited {watch.Elapsed} for a dependency with a 0.5 s deadline");
    }

    [Fact]
    public async Task Start_OptionalDependencyComesBack_TurnsReady()
    {
        await using var peer = await TestAgent.StartAsync();
        await using var agent = await TestAgent.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Fleet:Hosting:Dependencies:Peer:Endpoint"] = peer.RpcEndpoint,
            ["Fleet:Hosting:Dependencies:Peer:Required"] = "true",
        });

        Assert.Equal(AgentState.Ready, agent.Agent.State);
        var dependency = Assert.Single(agent.Agent.Dependencies);
        Assert.True(dependency.Available);
        Assert.Equal(peer.RpcEndpoint, dependency.Endpoint);
    }

    [Fact]
    public async Task Run_RequiredDependencyMissing_FailsStartUpNamingIt()
    {
        using var temp = new TempDirectory();
        var host = TestAgent.Build(
            temp,
            settings: new Dictionary<string, string?> { ["Fleet:Hosting:Dependencies:Missing:Timeout"] = "00:00:00.300" },
            topology: TestAgent.Topology(missingRequired: true));

        var error = await Assert.ThrowsAsync<FleetAgentStartupException>(() => host.StartAsync());
        var code = FleetAgentHostExtensions.ExitCodeOf(error, out var message);
        host.Dispose();

        Assert.Equal(FleetAgentExitCodes.RequiredDependencyUnavailable, code);
        Assert.Equal("Missing", Assert.Single(error.MissingDependencies).Name);
        Assert.Contains("required dependency Missing did not answer within 0.3 s", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_InvalidHostingOptions_ExitCode2ListsEveryProblem()
    {
        using var temp = new TempDirectory();
        var host = TestAgent.Build(temp, settings: new Dictionary<string, string?>
        {
            ["Fleet:Hosting:HealthPort"] = "70000",
            ["Fleet:Hosting:ShutdownTimeout"] = "-00:00:01",
        });

        var code = await host.RunFleetAgentAsync();

        Assert.Equal(FleetAgentExitCodes.InvalidConfiguration, code);
        var problems = new FleetHostingOptionsValidator().Validate(null, new FleetHostingOptions { HealthPort = 70000, ShutdownTimeout = TimeSpan.FromSeconds(-1) }).Failures!.ToList();
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("Fleet:Hosting:HealthPort is 70000", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Fleet:Hosting:ShutdownTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stop_RequestInFlight_FinishesItRefusesNewOnesThenStops()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var agent = await TestAgent.StartAsync(builder => builder.MapAction("slow", async (_, cancellationToken) =>
        {
            entered.TrySetResult();
            await release.Task.WaitAsync(cancellationToken);
            return new { finished = true };
        }));
        using var client = agent.Client();

        var slow = client.CallAsync("slow");
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var stopping = agent.Host.StopAsync();
        Assert.True(await Poll.UntilAsync(() => agent.Agent.State == AgentState.Draining, TimeSpan.FromSeconds(10)));
        var refused = await Assert.ThrowsAsync<AgentRpcException>(() => client.CallAsync("echo", new { text = "late" }));
        Assert.False(stopping.IsCompleted);
        release.SetResult();
        var reply = await slow;
        await stopping.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(reply.GetProperty("finished").GetBoolean());
        Assert.Equal(AgentRpcErrorCodes.Unavailable, refused.Code);
        Assert.Contains("draining", refused.Message, StringComparison.Ordinal);
        Assert.Equal(AgentState.Stopped, agent.Agent.State);
        Assert.False(agent.Host.Services.GetRequiredService<FleetAgentHost>().ShutdownTimedOut);
    }

    [Fact]
    public async Task Handler_Throws_ErrorReplyAndAgentKeepsServing()
    {
        await using var agent = await TestAgent.StartAsync(builder => builder.MapAction("boom", (RpcRequest _) => throw new InvalidOperationException("kaput")));
        using var client = agent.Client();

        var error = await Assert.ThrowsAsync<AgentRpcException>(() => client.CallAsync("boom"));
        var echo = await client.CallAsync("echo", new { text = "still here" });

        Assert.Equal("handler_failed", error.Code);
        Assert.Equal("still here", echo.GetProperty("text").GetString());
    }

    [Fact]
    public async Task AddAgentHandler_TypedHandlerWithAttribute_Served()
    {
        await using var agent = await TestAgent.StartAsync(builder => builder.AddAgentHandler<GreetHandler>());
        using var client = agent.Client();

        var reply = await client.CallAsync("greet", new { name = "pc2" });

        Assert.Equal("hello pc2", reply.GetProperty("greeting").GetString());
    }

    [AgentAction("greet")]
    private sealed class GreetHandler : IAgentHandler
    {
        public ValueTask<object?> HandleAsync(RpcRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult<object?>(new { greeting = "hello " + request.Body.GetProperty("name").GetString() });
    }
}
