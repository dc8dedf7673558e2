using System.Diagnostics;
using System.Text.Json;
using Fleet.Sdk.Messaging.Tests.Rpc;
using Fleet.Sdk.Security;

namespace Fleet.Sdk.Messaging.Tests.Interop;

/// <summary>
/// Unchanged pyzmq agents (REQ/REP with send_json/recv_json, PUB/SUB with a topic frame,
/// zmq.auth certificates) against Fleet.Sdk, in both directions, plain and over CURVE.
/// </summary>
public sealed class PyZmqInteropTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ZmqContext _context = new(new FleetMessagingOptions { AgentName = "dotnet-agent" });
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }

        _context.Dispose();
        _temp.Dispose();
    }

    [PyZmqFact]
    public async Task PyZmqReq_CallsFleetServer_HealthCheckAndActionAnswered()
    {
        using var server = new RpcTestServer();

        var health = await CallFromPythonAsync("-", "client", server.Endpoint, """{"action": "health_check"}""");
        var echo = await CallFromPythonAsync("-", "client", server.Endpoint, """{"action": "echo", "text": "from python", "n": [1, 2]}""");
        var unknown = await CallFromPythonAsync("-", "client", server.Endpoint, """{"action": "no_such_thing"}""");

        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal("test-agent", health.GetProperty("agent").GetString());
        Assert.Equal("from python", echo.GetProperty("text").GetString());
        Assert.Equal(2, echo.GetProperty("n")[1].GetInt32());
        Assert.Equal("unknown_action", unknown.GetProperty("error").GetString());
    }

    [PyZmqFact]
    public async Task FleetClient_CallsPyZmqRepAgent_HealthCheckAndEcho()
    {
        using var agent = PythonProcess.Start(PyZmqAgents.RepAgent, "-");
        var endpoint = await ReadyEndpointAsync(agent);
        using var client = new AgentRpcClient(_context, new AgentRpcClientOptions { Endpoints = { endpoint } });

        var health = await client.CallAsync("health_check");
        var echo = await client.CallAsync("echo", new { text = "from dotnet" });
        var error = await Assert.ThrowsAsync<AgentRpcException>(() => client.CallAsync("missing"));

        Assert.Equal("python-rep", health.GetProperty("agent").GetString());
        Assert.Equal("from dotnet", echo.GetProperty("text").GetString());
        Assert.Equal(AgentRpcErrorCodes.RemoteError, error.Code);
        Assert.Contains("unknown action: missing", error.Message, StringComparison.Ordinal);
    }

    [PyZmqFact]
    public async Task PyZmqReq_OverCurveWithPyZmqCertificates_CallsFleetServer()
    {
        var certificates = await CreatePyZmqCertificatesAsync();
        var security = SecurityFor(certificates, "server");
        using var server = new RpcTestServer(security: security, useCurve: true);

        var health = await CallFromPythonAsync(certificates, "client", server.Endpoint, """{"action": "whoami"}""");

        var clientKey = CurveCertificate.Load(Path.Combine(certificates, "client.key")).PublicKey.ToZ85();
        Assert.Equal(clientKey, health.GetProperty("caller_key").GetString());
        Assert.Equal("127.0.0.1", health.GetProperty("peer").GetString());
    }

    [PyZmqFact]
    public async Task PyZmqReq_KeyNotInAllowList_RefusedAndLoggedWithAddress()
    {
        var certificates = await CreatePyZmqCertificatesAsync();
        var security = SecurityFor(certificates, "server");
        using var server = new RpcTestServer(security: security, useCurve: true);

        using var caller = PythonProcess.Start(PyZmqAgents.ReqCaller, certificates, "stranger", server.Endpoint, """{"action": "health_check"}""");
        var output = await caller.ReadLineAsync();

        Assert.Equal("TIMEOUT", output);
        Assert.True(await Eventually.TrueAsync(() => server.Context.Zap?.Refused >= 1));
        var strangerKey = CurveCertificate.Load(Path.Combine(certificates, "stranger.key")).PublicKey.ToZ85();
        Assert.True(await Eventually.TrueAsync(() => server.Logs.Entries.Any(e => e.EventId.Id == 4010)));
        var refusal = Assert.Single(server.Logs.Entries, e => e.EventId.Id == 4010);
        Assert.Contains(strangerKey, refusal.Message, StringComparison.Ordinal);
        Assert.Contains("from 127.0.0.1", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Server.Served);
    }

    [PyZmqFact]
    public async Task FleetClient_OverCurve_CallsPyZmqRepAgentWithAuthenticator()
    {
        var client = await CurveClientOfPythonAgentAsync("client", TimeSpan.FromSeconds(5));

        var health = await client.CallAsync("health_check");

        Assert.Equal("ok", health.GetProperty("status").GetString());
    }

    [PyZmqFact]
    public async Task FleetClient_KeyRefusedByPyZmqAuthenticator_FailsFastAsRefused()
    {
        var client = await CurveClientOfPythonAgentAsync("stranger", TimeSpan.FromSeconds(10));
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<AgentRpcException>(() => client.CallAsync("health_check"));

        Assert.Equal(AgentRpcErrorCodes.Refused, error.Code);
        Assert.Contains("refused this client's key (ZAP status 400)", error.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [PyZmqFact]
    public async Task FleetClient_PyZmqZapRefusalOnlyClosesTheConnection_FailsFastAsRefusedNamingServerKeyAndAllowList()
    {
        // libzmq#2705: a refusal that reaches the client only as a closed connection, again and again.
        var certificates = await CreatePyZmqCertificatesAsync();
        var agent = PythonProcess.Start(PyZmqAgents.SilentlyRefusingRepAgent, certificates);
        _owned.Add(agent);
        var endpoint = await ReadyEndpointAsync(agent);
        var context = new ZmqContext(security: SecurityFor(certificates, "client"));
        _owned.Add(context);
        using var client = new AgentRpcClient(context, new AgentRpcClientOptions { Endpoints = { endpoint }, ServerKey = "server", Timeout = TimeSpan.FromSeconds(20) });
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<AgentRpcException>(() => client.CallAsync("health_check"));

        Assert.Equal(AgentRpcErrorCodes.Refused, error.Code);
        Assert.Contains("the server refused this client's key", error.Message, StringComparison.Ordinal);
        Assert.Contains("allow-list", error.Message, StringComparison.Ordinal);
        Assert.Contains("Fleet:Messaging:Services:service:ServerKey", error.Message, StringComparison.Ordinal);
        Assert.Equal("ZAP", await agent.ReadLineAsync());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}, not failing fast before the 20 s deadline");
    }

    [PyZmqFact]
    public async Task FleetClient_PyZmqAgentFrozenWithSigstop_CallFailsAtItsDeadline()
    {
        using var agent = PythonProcess.Start(PyZmqAgents.RepAgent, "-");
        var endpoint = await ReadyEndpointAsync(agent);
        using var client = new AgentRpcClient(_context, new AgentRpcClientOptions { Endpoints = { endpoint }, Timeout = TimeSpan.FromSeconds(1) });
        Assert.Equal("ok", (await client.CallAsync("health_check")).GetProperty("status").GetString());

        agent.Freeze();
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<AgentRpcException>(() => client.CallAsync("health_check"));
        agent.Thaw();

        Assert.Equal(AgentRpcErrorCodes.Timeout, error.Code);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(2.5));

        // Thawed, it answers the next call; the reply it owed the timed-out one is dropped, never misdelivered.
        var echo = await client.CallAsync("echo", new { marker = "after-thaw" });
        Assert.Equal("after-thaw", echo.GetProperty("marker").GetString());
    }

    [PyZmqFact]
    public async Task FleetServer_IdlePyZmqPeerConnected_OthersStillServed()
    {
        using var server = new RpcTestServer();
        using var idle = PythonProcess.Start(PyZmqAgents.IdleReq, server.Endpoint);
        Assert.Equal("CONNECTED", await idle.ReadLineAsync());

        var health = await CallFromPythonAsync("-", "client", server.Endpoint, """{"action": "health_check"}""");

        Assert.Equal("ok", health.GetProperty("status").GetString());
    }

    [PyZmqFact]
    public async Task PyZmqPublisher_FleetSubscriber_ReceivesLegacyTopicAndPayload()
    {
        using var publisher = PythonProcess.Start(PyZmqAgents.Publisher, "gpu.status");
        var endpoint = await ReadyEndpointAsync(publisher);
        using var subscriber = new EventSubscriber(_context, new EventSubscriberOptions { Endpoints = { endpoint }, Topics = { "gpu." } });

        Assert.True(subscriber.TryReceive(TimeSpan.FromSeconds(10), out var message));

        Assert.Equal("gpu.status", message.Topic);
        Assert.Equal(EventFormat.Legacy, message.Format);
        Assert.True(message.PayloadJson<JsonElement>().GetProperty("n").GetInt32() >= 1);
    }

    [PyZmqFact]
    public async Task FleetPublisher_LegacyFormat_PyZmqSubscriberUnpacksTopicAndData()
    {
        using var publisher = new EventPublisher(_context, new EventPublisherOptions { BindEndpoints = { "tcp://127.0.0.1:*" }, Format = EventFormat.Legacy });
        using var subscriber = PythonProcess.Start(PyZmqAgents.Subscriber, publisher.Endpoints[0], "model.");
        Assert.Equal("SUBSCRIBED", await subscriber.ReadLineAsync());

        var line = subscriber.ReadLineAsync(TimeSpan.FromSeconds(10));
        while (!line.IsCompleted)
        {
            publisher.PublishJson("model.loaded", new { name = "llama" });
            await Task.WhenAny(line, Task.Delay(20));
        }

        Assert.Equal("""model.loaded {"name":"llama"}""", await line);
    }

    private IFleetSecurity SecurityFor(string certificates, string name)
    {
        var security = FleetSecurityFactory.Create(new FleetSecurityOptions { CertificatesDirectory = certificates, CertificateName = name });
        _owned.Add((IDisposable)security);
        return security;
    }

    /// <summary>A pyzmq REP agent with an authenticator allowing "client", and a Fleet client using the certificate <paramref name="name"/>.</summary>
    private async Task<AgentRpcClient> CurveClientOfPythonAgentAsync(string name, TimeSpan timeout)
    {
        var certificates = await CreatePyZmqCertificatesAsync();
        var agent = PythonProcess.Start(PyZmqAgents.RepAgent, certificates);
        _owned.Add(agent);
        var endpoint = await ReadyEndpointAsync(agent);
        var context = new ZmqContext(security: SecurityFor(certificates, name));
        _owned.Add(context);
        var client = new AgentRpcClient(context, new AgentRpcClientOptions { Endpoints = { endpoint }, ServerKey = "server", Timeout = timeout });
        _owned.Add(client);
        return client;
    }

    private static async Task<string> ReadyEndpointAsync(PythonProcess process)
    {
        var ready = await process.ReadLineAsync();
        Assert.StartsWith("READY ", ready, StringComparison.Ordinal);
        return $"tcp://127.0.0.1:{ready["READY ".Length..]}";
    }

    private static async Task<JsonElement> CallFromPythonAsync(string certificates, string client, string endpoint, string request)
    {
        var (exitCode, output, error) = await PyZmq.RunAsync(PyZmqAgents.ReqCaller, TimeSpan.FromSeconds(20), certificates, client, endpoint, request);
        Assert.True(exitCode == 0, $"python exited {exitCode}: {output} {error}");
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    /// <summary>Certificates made the legacy way; the secrets chmod 600 as an operator would (Security refuses readable secrets).</summary>
    private async Task<string> CreatePyZmqCertificatesAsync()
    {
        var directory = _temp.CreateDirectory("certificates");
        var (exitCode, _, error) = await PyZmq.RunAsync(PyZmqAgents.CreateCertificates, TimeSpan.FromSeconds(20), directory);
        Assert.True(exitCode == 0, error);
        foreach (var secret in Directory.GetFiles(directory, "*.key_secret"))
        {
            File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var authorized = Directory.CreateDirectory(Path.Combine(directory, "authorized")).FullName;
        File.Copy(Path.Combine(directory, "client.key"), Path.Combine(authorized, "client.key"));
        return directory;
    }
}
