using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Fleet.Sdk.Messaging;
using Fleet.Sdk.Security;

namespace Fleet.Cli.Tests;

public sealed class CallCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly List<IDisposable> _cleanup = [];

    public void Dispose()
    {
        foreach (var item in Enumerable.Reverse(_cleanup))
        {
            item.Dispose();
        }

        _temp.Dispose();
    }

    [Fact]
    public async Task Call_FleetServer_PrintsReplyExitsZero()
    {
        var endpoint = StartServer();

        var result = await CliRunner.RunAsync("call", endpoint, """{"action": "health_check"}""");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        using var reply = JsonDocument.Parse(result.Output);
        Assert.Equal("ok", reply.RootElement.GetProperty("status").GetString());
        Assert.Equal("cli-test-agent", reply.RootElement.GetProperty("agent").GetString());
    }

    [Fact]
    public async Task Call_ErrorReply_PrintsItExitsOne()
    {
        var endpoint = StartServer();

        var result = await CliRunner.RunAsync("call", endpoint, """{"action": "no_such_action"}""");

        Assert.Equal(ExitCodes.Problems, result.ExitCode);
        Assert.Contains("unknown_action", result.Output, StringComparison.Ordinal);
        Assert.Contains("the agent replied with an error", result.Error, StringComparison.Ordinal);
    }

    [PyZmqFact]
    public async Task Call_UnchangedPyZmqRepAgent_PrintsReply()
    {
        using var agent = PyZmq.Start(PyZmqAgents.RepAgent, "-");
        var ready = await agent.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(15));
        try
        {
            var result = await CliRunner.RunAsync("call", $"tcp://127.0.0.1:{ready!["READY ".Length..]}", """{"action": "health_check"}""");

            Assert.Equal(ExitCodes.Success, result.ExitCode);
            Assert.Equal("""{"status": "ok", "agent": "python-rep"}""", result.Output.Trim());
        }
        finally
        {
            agent.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Call_NothingListening_ExitsOneWithinTimeoutSayingRefused()
    {
        var watch = Stopwatch.StartNew();

        // Generous timeout: the refusal is reported by libzmq's monitor, which a loaded CI machine may deliver late.
        var result = await CliRunner.RunAsync("call", $"tcp://127.0.0.1:{ClosedPort()}", """{"action": "health_check"}""", "--timeout", "2000");

        Assert.Equal(ExitCodes.Problems, result.ExitCode);
        Assert.Contains("no reply from", result.Error, StringComparison.Ordinal);
        Assert.Contains("within 2000 ms", result.Error, StringComparison.Ordinal);
        Assert.Contains("connection was refused", result.Error, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(2000 + 1500), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Call_PeerAcceptsButNeverAnswers_ExitsOneWithinTimeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var watch = Stopwatch.StartNew();

        var result = await CliRunner.RunAsync("call", $"tcp://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}", """{"action": "health_check"}""", "--timeout", "600");

        Assert.Equal(ExitCodes.Problems, result.ExitCode);
        Assert.Contains("within 600 ms", result.Error, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(600 + 1500), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Call_CurveWithAllowedCertificate_PrintsReply()
    {
        var (endpoint, serverKey, clientSecret) = await StartCurveServerAsync(allowClient: true);

        var result = await CliRunner.RunAsync("call", endpoint, """{"action": "health_check"}""", "--server-key", serverKey, "--cert", clientSecret);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("\"status\":\"ok\"", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_CurveKeyNotAllowed_RefusedExitsNonZeroWithinTimeout()
    {
        var (endpoint, serverKey, clientSecret) = await StartCurveServerAsync(allowClient: false);
        var watch = Stopwatch.StartNew();

        // A refusal is definite and reported at once; the generous timeout only keeps a loaded machine from turning it into "no reply".
        var result = await CliRunner.RunAsync("call", endpoint, """{"action": "health_check"}""", "--server-key", serverKey, "--cert", clientSecret, "--timeout", "15000");

        Assert.Equal(ExitCodes.Problems, result.ExitCode);
        Assert.Contains("refused:", result.Error, StringComparison.Ordinal);
        Assert.Contains("allow-list", result.Error, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Call_CurveWrongServerKey_ExitsNonZeroNamingTheOption()
    {
        var (endpoint, _, clientSecret) = await StartCurveServerAsync(allowClient: true);
        await CliRunner.RunAsync("keys", "generate", "impostor", "--out", _temp.Combine("other"));

        var result = await CliRunner.RunAsync("call", endpoint, """{"action": "health_check"}""", "--server-key", _temp.Combine("other", "impostor.key"), "--cert", clientSecret, "--timeout", "3000");

        Assert.Equal(ExitCodes.Problems, result.ExitCode);
        Assert.Contains("--server-key", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_SecretCertificateReadableByOthers_RefusedWithChmodHint()
    {
        var (endpoint, serverKey, clientSecret) = await StartCurveServerAsync(allowClient: true);
        File.SetUnixFileMode(clientSecret, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var result = await CliRunner.RunAsync("call", endpoint, """{"action": "health_check"}""", "--server-key", serverKey, "--cert", clientSecret);

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains($"chmod 600 {clientSecret}", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_PlaintextToAnotherMachine_RefusedWithFlagHint()
    {
        var result = await CliRunner.RunAsync("call", "tcp://192.0.2.10:7200", """{"action": "health_check"}""");

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains("CURVE is required", result.Error, StringComparison.Ordinal);
        Assert.Contains("--allow-plaintext", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"action": """, "not valid JSON")]
    [InlineData("""{"no_action": 1}""", "with an \"action\"")]
    public async Task Call_BadRequest_UsageErrorWithExample(string json, string expected)
    {
        var result = await CliRunner.RunAsync("call", "tcp://127.0.0.1:1", json);

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Contains("health_check", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_CertWithoutServerKey_UsageError()
    {
        var result = await CliRunner.RunAsync("call", "tcp://127.0.0.1:1", """{"action": "health_check"}""", "--cert", _temp.Combine("x.key_secret"));

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains("--cert needs --server-key", result.Error, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private string StartServer(IFleetSecurity? security = null, bool curve = false)
    {
        var context = new ZmqContext(new FleetMessagingOptions { AgentName = "cli-test-agent" }, security);
        _cleanup.Add(context);
        var options = new AgentRpcServerOptions { UseCurve = curve };
        options.Endpoints.Add("tcp://127.0.0.1:*");
        var server = new AgentRpcServer(context, options, new AgentRpcHandlers());
        _cleanup.Add(server);
        server.Start();
        return server.Endpoints[0];
    }

    /// <summary>A CURVE server whose certificates, and the client's, are made with 'fleet keys generate'.</summary>
    private async Task<(string Endpoint, string ServerKey, string ClientSecret)> StartCurveServerAsync(bool allowClient)
    {
        var serverDirectory = _temp.CreateDirectory("server");
        var clientDirectory = _temp.CreateDirectory("client");
        Assert.Equal(ExitCodes.Success, (await CliRunner.RunAsync("keys", "generate", "server", "--out", serverDirectory)).ExitCode);
        Assert.Equal(ExitCodes.Success, (await CliRunner.RunAsync("keys", "generate", "client", "--out", clientDirectory)).ExitCode);
        var authorized = _temp.CreateDirectory("server", "authorized");
        if (allowClient)
        {
            File.Copy(Path.Combine(clientDirectory, "client.key"), Path.Combine(authorized, "client.key"));
        }

        var security = FleetSecurityFactory.Create(new FleetSecurityOptions { CertificatesDirectory = serverDirectory, CertificateName = "server" });
        _cleanup.Add((IDisposable)security);
        return (StartServer(security, curve: true), Path.Combine(serverDirectory, "server.key"), Path.Combine(clientDirectory, "client.key_secret"));
    }
}
