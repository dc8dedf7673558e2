using Fleet.Sdk.Security;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Messaging.Tests.Curve;

public sealed class CurveSocketTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly CurveSetup _curve = new();
    private readonly ListLoggerProvider _logs = new();
    private readonly LoggerFactory _loggerFactory;
    private readonly ZmqContext _server;
    private readonly ZmqContext _client;

    public CurveSocketTests()
    {
        _loggerFactory = new LoggerFactory([_logs]);
        _server = new ZmqContext(security: _curve.Security("server"), loggerFactory: _loggerFactory);
        _client = new ZmqContext(security: _curve.Security("client"));
    }

    public void Dispose()
    {
        _client.Dispose();
        _server.Dispose();
        _loggerFactory.Dispose();
        _curve.Dispose();
    }

    [Fact]
    public void CurveServer_AllowedClient_ExchangesMessagesAndIsIdentifiedByKey()
    {
        var (router, endpoint) = CurveRouter();
        using var routerOwner = router;
        using var dealer = _client.CreateSocket(ZmqSocketType.Dealer);
        dealer.UseCurveClient(_curve.Server.PublicKey);
        dealer.Connect(endpoint);

        dealer.SendFrame("secret hello");
        using var frame = new ZmqFrame();
        Assert.True(router.TryReceive(frame, Wait));
        Assert.True(frame.More);
        Assert.True(router.TryReceive(frame, Wait));

        Assert.Equal("secret hello", frame.ToString());
        Assert.Equal(_curve.Client.PublicKey.ToZ85(), frame.GetMetadata("User-Id"));
        Assert.Equal("127.0.0.1", frame.GetMetadata("Peer-Address"));
        Assert.True(router.UsesCurve);
        Assert.Equal(1, _server.Zap!.Allowed);
    }

    [Fact]
    public void CurveServer_ClientKeyNotAllowed_RefusedWith400AndLoggedOnceWithAddress()
    {
        var (router, endpoint) = CurveRouter();
        using var routerOwner = router;

        // libzmq 4.3 does not reconnect after a refusal: each attempt here is a new connection.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var stranger = _client.CreateSocket(ZmqSocketType.Dealer);
            stranger.UseCurveClient(_curve.Server.PublicKey, _curve.Stranger.KeyPair);
            using var monitor = stranger.Monitor(ZmqMonitorEvents.HandshakeFailedAuth);
            stranger.Connect(endpoint);
            stranger.SendFrame("let me in");

            Assert.True(monitor.TryReceive(Wait, out var refusal));
            Assert.Equal(ZmqMonitorEvents.HandshakeFailedAuth, refusal.Event);
            Assert.Equal(400, refusal.Value);
            Assert.Contains("allow-list", refusal.Describe(), StringComparison.Ordinal);
        }

        Assert.Equal(3, _server.Zap!.Refused);
        var warning = Assert.Single(_logs.Entries, e => e.EventId.Id == 4010);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(_curve.Stranger.PublicKey.ToZ85(), warning.Message, StringComparison.Ordinal);
        Assert.Contains("from 127.0.0.1", warning.Message, StringComparison.Ordinal);
        Assert.Contains(_curve.Authorized, warning.Message, StringComparison.Ordinal);
        Assert.Equal(2, _logs.Entries.Count(e => e.EventId.Id == 4011 && e.Level == LogLevel.Debug));
        Assert.False(router.TryReceiveFrameBytes(TimeSpan.FromMilliseconds(100), out _, out _));
    }

    [Fact]
    public async Task CurveServer_KeyAddedToAllowList_AdmittedWithoutRestart()
    {
        var (router, endpoint) = CurveRouter();
        using var routerOwner = router;
        using var stranger = _client.CreateSocket(ZmqSocketType.Dealer);
        stranger.UseCurveClient(_curve.Server.PublicKey, _curve.Stranger.KeyPair);
        stranger.Connect(endpoint);
        stranger.SendFrame("knock");
        Assert.True(await Eventually.TrueAsync(() => _server.Zap!.Refused >= 1));

        new CurveCertificate(_curve.Stranger.PublicKey).Save(_curve.Authorized, "stranger");

        // The server is not restarted; the refused client reconnects (libzmq would not by itself).
        List<byte[]>? frames = null;
        Assert.True(await Eventually.TrueAsync(() =>
        {
            stranger.Disconnect(endpoint);
            stranger.Connect(endpoint);
            stranger.SendFrame("knock");
            return router.TryReceiveMultipartBytes(TimeSpan.FromMilliseconds(200), out frames);
        }));
        Assert.Equal("knock"u8.ToArray(), frames![^1]);
    }

    [Fact]
    public void CurveServer_PlaintextClient_NeverDelivers()
    {
        var (router, endpoint) = CurveRouter();
        using var routerOwner = router;
        using var plain = _client.CreateSocket(ZmqSocketType.Dealer);
        using var monitor = plain.Monitor(ZmqMonitorEvents.HandshakeFailedProtocol);
        plain.Connect(endpoint);
        plain.SendFrame("no keys");

        Assert.True(monitor.TryReceive(Wait, out var failure));
        Assert.Contains("mechanism mismatch", failure.Describe(), StringComparison.Ordinal);
        Assert.False(router.TryReceiveFrameBytes(TimeSpan.FromMilliseconds(100), out _, out _));
    }

    [Fact]
    public void UseCurveServer_AfterBind_Refused()
    {
        using var router = _server.CreateSocket(ZmqSocketType.Router);
        router.Bind("tcp://127.0.0.1:*");

        var error = Assert.Throws<InvalidOperationException>(() => router.UseCurveServer());

        Assert.Contains("before the socket binds or connects", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseCurveServer_NoCertificateConfigured_FailsNamingTheKey()
    {
        using var context = new ZmqContext();
        using var router = context.CreateSocket(ZmqSocketType.Router);

        var error = Assert.Throws<FleetSecurityException>(() => router.UseCurveServer());

        Assert.Contains("Fleet:Security:CertificateName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_CurveOnNonLoopbackAddress_PassesPolicyThenReachesLibzmq()
    {
        using var router = _server.CreateSocket(ZmqSocketType.Router);
        router.UseCurveServer();

        // 192.0.2.1 (TEST-NET-1) is on no interface: the policy lets a CURVE bind through, libzmq then refuses.
        var error = Assert.Throws<ZmqException>(() => router.Bind("tcp://192.0.2.1:7000"));

        Assert.Contains("belongs to no interface of this machine", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ZapHandler_MalformedRequests_Answered400AndKeepsServing()
    {
        var (router, endpoint) = CurveRouter();
        using var routerOwner = router;
        using var rogue = _server.CreateSocket(ZmqSocketType.Req);
        rogue.Connect(ZapHandler.Endpoint);

        rogue.SendFrame("garbage");
        var reply1 = rogue.ReceiveMultipartStrings();
        rogue.SendMultipart(["2.0"u8.ToArray(), "7"u8.ToArray(), "d"u8.ToArray(), "a"u8.ToArray(), Array.Empty<byte>(), "CURVE"u8.ToArray(), new byte[32]]);
        var reply2 = rogue.ReceiveMultipartStrings();
        rogue.SendMultipart(["1.0"u8.ToArray(), "8"u8.ToArray(), "d"u8.ToArray(), "a"u8.ToArray(), Array.Empty<byte>(), "CURVE"u8.ToArray(), new byte[5]]);
        var reply3 = rogue.ReceiveMultipartStrings();
        rogue.SendMultipart(["1.0"u8.ToArray(), "9"u8.ToArray(), "d"u8.ToArray(), "a"u8.ToArray(), Array.Empty<byte>(), "PLAIN"u8.ToArray(), "u"u8.ToArray(), "p"u8.ToArray()]);
        var reply4 = rogue.ReceiveMultipartStrings();

        Assert.Equal("400", reply1[2]);
        Assert.Equal(["1.0", "7", "400"], reply2.Take(3));
        Assert.Equal(["1.0", "8", "400"], reply3.Take(3));
        Assert.Equal(["1.0", "9", "400"], reply4.Take(3));
        Assert.Contains("not supported", reply4[3], StringComparison.Ordinal);
        Assert.Equal(3, _server.Zap!.MalformedCount);
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 4012);

        // Still authenticating real clients.
        using var dealer = _client.CreateSocket(ZmqSocketType.Dealer);
        dealer.UseCurveClient(_curve.Server.PublicKey);
        dealer.Connect(endpoint);
        dealer.SendFrame("after garbage");
        Assert.True(router.TryReceiveMultipartBytes(Wait, out var frames));
        Assert.Equal("after garbage"u8.ToArray(), frames![^1]);
    }

    private (ZmqSocket Router, string Endpoint) CurveRouter()
    {
        var router = _server.CreateSocket(ZmqSocketType.Router);
        router.UseCurveServer();
        return (router, router.Bind("tcp://127.0.0.1:*"));
    }

    [Fact]
    public void KeyGenerator_GeneratedPair_PublicDerivesFromSecret()
    {
        var generator = new ZmqCurveKeyGenerator();

        var first = generator.Generate();
        var second = generator.Generate();

        Assert.NotEqual(first.PublicKey, second.PublicKey);
        Assert.Equal(first.PublicKey, generator.DerivePublicKey(first.SecretKey));
        Assert.Equal(40, first.PublicKey.ToZ85().Length);
    }
}
