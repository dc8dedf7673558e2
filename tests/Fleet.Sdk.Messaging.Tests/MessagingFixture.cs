using Fleet.Sdk.Security;
using Fleet.Sdk.Tests;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Messaging.Tests;

/// <summary>Certificates for one test: a server and two clients (one allowed, one not), in pyzmq format, secrets chmod 600.</summary>
internal sealed class CurveSetup : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public CurveSetup()
    {
        var generator = new ZmqCurveKeyGenerator();
        Directory = Temp.CreateDirectory("certificates");
        Server = new CurveCertificate(generator.Generate());
        Client = new CurveCertificate(generator.Generate());
        Stranger = new CurveCertificate(generator.Generate());
        Server.Save(Directory, "server");
        Client.Save(Directory, "client");
        Stranger.Save(Directory, "stranger");
        Server.Save(Directory, "server-public-only-copy");
        var authorized = Temp.CreateDirectory("certificates", "authorized");
        new CurveCertificate(Client.PublicKey).Save(authorized, "client");
        Authorized = authorized;
    }

    public TempDirectory Temp { get; } = new();

    public string Directory { get; }

    public string Authorized { get; }

    public CurveCertificate Server { get; }

    public CurveCertificate Client { get; }

    public CurveCertificate Stranger { get; }

    /// <summary>Security whose own certificate is <paramref name="name"/> in the test's certificates directory.</summary>
    public IFleetSecurity Security(string name, ILogger? logger = null)
    {
        var security = FleetSecurityFactory.Create(
            new FleetSecurityOptions { CertificatesDirectory = Directory, CertificateName = name, AllowListReloadInterval = TimeSpan.FromMilliseconds(200) },
            logger: logger);
        _owned.Add((IDisposable)security);
        return security;
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        Temp.Dispose();
    }
}

/// <summary>Polls a condition until it holds or the deadline passes (10 s unless told); never sleeps a fixed time to wait.</summary>
internal static class Eventually
{
    private static readonly TimeSpan DefaultWithin = TimeSpan.FromSeconds(10);

    public static Task<bool> TrueAsync(Func<bool> condition, TimeSpan? within = null) =>
        Poll.UntilAsync(condition, within ?? DefaultWithin);

    /// <summary>Polls an asynchronous condition (a call, say) without blocking a thread on it.</summary>
    public static Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan? within = null) =>
        Poll.UntilAsync(condition, within ?? DefaultWithin);
}
