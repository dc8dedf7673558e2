namespace Fleet.Sdk.Security.Tests;

public sealed class FleetSecurityFactoryTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Create_DefaultOptions_SecurePolicyWithoutAHost()
    {
        var security = FleetSecurityFactory.Create(new FleetSecurityOptions { CertificatesDirectory = _temp.Path });
        using var owned = (IDisposable)security;

        security.EnsureEndpointAllowed("tcp://127.0.0.1:7200", bind: true, usesCurve: false);
        security.EnsureEndpointAllowed("tcp://10.0.0.5:7200", bind: false, usesCurve: true);
        Assert.Throws<FleetSecurityException>(() => security.EnsureEndpointAllowed("tcp://10.0.0.5:7200", bind: false, usesCurve: false));
        Assert.Throws<FleetSecurityException>(() => security.EnsureEndpointAllowed("tcp://*:7200", bind: true, usesCurve: true));
        Assert.Equal(Path.Combine(_temp.Path, "authorized"), security.AllowList.Directory);
        Assert.Contains("Fleet:Security:CertificateName", Assert.Throws<FleetSecurityException>(security.GetOwnCertificate).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_CertificateConfigured_LoadedWithTheSameChecksAsAHost()
    {
        var files = TestKeys.Certificate(TestKeys.Alice).Save(_temp.Path, "agent");
        var registry = new SecretRegistry();
        var security = FleetSecurityFactory.Create(new FleetSecurityOptions { CertificatesDirectory = _temp.Path, CertificateName = "agent" }, registry);
        using var owned = (IDisposable)security;

        Assert.Equal(TestKeys.Alice.Public, security.GetOwnCertificate().PublicKey.ToZ85());
        Assert.Contains(registry.Secrets, s => s.Value == TestKeys.Alice.Secret);

        File.SetUnixFileMode(files.SecretPath!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var exposed = FleetSecurityFactory.Create(new FleetSecurityOptions { CertificatesDirectory = _temp.Path, CertificateName = "agent" });
        using var exposedOwned = (IDisposable)exposed;
        Assert.Contains("chmod 600", Assert.Throws<FleetSecurityException>(exposed.GetOwnCertificate).Message, StringComparison.Ordinal);
    }
}
