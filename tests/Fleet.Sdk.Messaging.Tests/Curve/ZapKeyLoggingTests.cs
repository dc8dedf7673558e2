using Fleet.Sdk.Config;
using Fleet.Sdk.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Messaging.Tests.Curve;

/// <summary>
/// The ZAP handler's refusals and admissions through the real Fleet.Sdk logging pipeline (redaction
/// included): a public key is not a secret and the key-rotation runbook needs it, so it is logged in
/// Z85; the secret keys never appear.
/// </summary>
public sealed class ZapKeyLoggingTests
{
    [Fact]
    public async Task RefusedAndAdmittedClientKeys_FleetLogging_PublicKeyInZ85AndNoSecretKey()
    {
        using var curve = new CurveSetup();
        using var temp = new TempDirectory();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = temp.Path });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fleet:Agent:Name"] = "ZapAgent",
            ["Fleet:Machine:Name"] = "mainpc",
            ["Fleet:Logging:Console:Enabled"] = "false",
            ["Fleet:Logging:File:FlushInterval"] = "00:00:00.050",
            ["Fleet:Logging:Levels:Default"] = "Debug",
        });
        builder.Services.AddSingleton<IEnvironmentVariables>(new DictionaryEnvironmentVariables());
        builder.AddFleetLogging();
        using (var host = builder.Build())
        {
            await host.StartAsync();
            using (var server = new ZmqContext(security: curve.Security("server"), loggerFactory: host.Services.GetRequiredService<ILoggerFactory>()))
            using (var client = new ZmqContext(security: curve.Security("client")))
            {
                using var router = server.CreateSocket(ZmqSocketType.Router);
                router.UseCurveServer();
                var endpoint = router.Bind("tcp://127.0.0.1:*");

                using var stranger = client.CreateSocket(ZmqSocketType.Dealer);
                stranger.UseCurveClient(curve.Server.PublicKey, curve.Stranger.KeyPair);
                using var refusals = stranger.Monitor(ZmqMonitorEvents.HandshakeFailedAuth);
                stranger.Connect(endpoint);
                stranger.SendFrame("let me in");
                Assert.True(refusals.TryReceive(TimeSpan.FromSeconds(5), out _), "the stranger was not refused");

                using var friend = client.CreateSocket(ZmqSocketType.Dealer);
                friend.UseCurveClient(curve.Server.PublicKey);
                friend.Connect(endpoint);
                friend.SendFrame("hello");
                Assert.True(router.TryReceiveMultipartBytes(TimeSpan.FromSeconds(5), out _), "the allowed client was not admitted");
            }

            await host.StopAsync();
        }

        var text = string.Concat(Directory.GetFiles(Path.Combine(temp.Path, "logs", "ZapAgent"), "*.jsonl").Select(File.ReadAllText));
        var lines = text.Split('\n');
        var keyLines = lines.Where(l => l.Contains("Refused CURVE client", StringComparison.Ordinal) || l.Contains("Admitted CURVE client", StringComparison.Ordinal)).ToList();
        Assert.Contains(keyLines, l => l.Contains("Refused CURVE client " + curve.Stranger.PublicKey.ToZ85(), StringComparison.Ordinal));
        Assert.Contains(keyLines, l => l.Contains("Admitted CURVE client " + curve.Client.PublicKey.ToZ85(), StringComparison.Ordinal));
        Assert.All(keyLines, l => Assert.DoesNotContain("***", l, StringComparison.Ordinal));
        foreach (var secret in new[] { curve.Stranger.KeyPair.SecretKey, curve.Client.KeyPair.SecretKey })
        {
            Assert.DoesNotContain(secret.ToZ85(), text, StringComparison.Ordinal);
        }
    }
}
