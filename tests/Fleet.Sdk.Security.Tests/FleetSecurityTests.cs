using Fleet.Sdk.Config;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Security.Tests;

public sealed class FleetSecurityTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ListLoggerProvider _logs = new();
    private readonly Dictionary<string, string?> _configuration = new();
    private readonly Dictionary<string, string> _environment = new();
    private string[] _arguments = [];

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Start_ValidCertificate_OwnCertificateLoadedAndSecretRegistered()
    {
        TestKeys.Certificate(TestKeys.Alice).Save(_temp.CreateDirectory("certificates"), "agent");
        _configuration["Fleet:Security:CertificateName"] = "agent";

        using var host = await StartAsync();
        var security = host.Services.GetRequiredService<IFleetSecurity>();

        Assert.Equal(TestKeys.Alice.Public, security.GetOwnCertificate().PublicKey.ToZ85());
        Assert.Contains(host.Services.GetRequiredService<ISecretRegistry>().Secrets, s => s.Value == TestKeys.Alice.Secret);
    }

    [Fact]
    public async Task Start_SecretCertificateReadableByOthers_FailsWithChmodHint()
    {
        var files = TestKeys.Certificate(TestKeys.Alice).Save(_temp.CreateDirectory("certificates"), "agent");
        File.SetUnixFileMode(files.SecretPath!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        _configuration["Fleet:Security:CertificateName"] = "agent";

        var error = await Assert.ThrowsAsync<OptionsValidationException>(StartAsync);

        var failure = Assert.Single(error.Failures);
        Assert.Contains($"chmod 600 {files.SecretPath}", failure, StringComparison.Ordinal);
        Assert.Contains("every user", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PublishedKeyInCertificate_Refused()
    {
        new CurveCertificate(CurvePublicKey.Parse(TestKeys.ManualServerPublic), CurveSecretKey.Parse(TestKeys.ManualServerSecret))
            .Save(_temp.CreateDirectory("certificates"), "agent");
        _configuration["Fleet:Security:CertificateName"] = "agent";

        var error = await Assert.ThrowsAsync<OptionsValidationException>(StartAsync);

        Assert.Contains("published in libzmq's documentation", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_EverythingWrong_EveryProblemListedAtOnce()
    {
        _configuration["Fleet:Security:CertificateName"] = "missing";
        _environment["ZMQ_PRIVATE_KEY"] = "default";
        _arguments = ["--redis-password=hunter2"];

        var error = await Assert.ThrowsAsync<OptionsValidationException>(StartAsync);

        var failures = error.Failures.ToList();
        Assert.Equal(3, failures.Count);
        Assert.Contains(failures, f => f.Contains("missing.key_secret", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("ZMQ_PRIVATE_KEY holds a placeholder", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'--redis-password'", StringComparison.Ordinal) && !f.Contains("hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_SecretFilePathUnderDocumentedKey_Accepted()
    {
        var file = _temp.WriteFile("redis.pass", "hunter2");
        _arguments = [$"--Fleet:Security:Secrets:redis-password={file}"];

        using var host = await StartAsync();

        Assert.NotNull(host.Services.GetRequiredService<IFleetSecurity>());
    }

    [Fact]
    public async Task Start_PasswordInsideConnectionStringArgument_RefusedWithSecretFileHint()
    {
        _arguments = ["--Fleet:Discovery:Redis:ConnectionString=10.0.0.2:6379,password=hunter2"];

        var error = await Assert.ThrowsAsync<OptionsValidationException>(StartAsync);

        var failure = Assert.Single(error.Failures);
        Assert.Contains("--Fleet:Discovery:Redis:ConnectionString", failure, StringComparison.Ordinal);
        Assert.Contains("Fleet:Security:Secrets:redis-password", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_CurveNotRequired_LoudWarning()
    {
        _configuration["Fleet:Security:RequireCurve"] = "false";

        using var host = await StartAsync();

        Assert.Contains(_logs.Entries, e => e.EventId.Id == 3001 && e.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task GetOwnCertificate_NotConfigured_SaysWhichKeyToSet()
    {
        using var host = await StartAsync();

        var error = Assert.Throws<FleetSecurityException>(() => host.Services.GetRequiredService<IFleetSecurity>().GetOwnCertificate());

        Assert.Contains("Fleet:Security:CertificateName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetPeerPublicKey_FromCertificatesDirectory()
    {
        TestKeys.Certificate(TestKeys.Bob, withSecret: false).Save(_temp.CreateDirectory("certificates"), "pc2-bridge", CurveCertificateFormat.Czmq);

        using var host = await StartAsync();

        Assert.Equal(TestKeys.Bob.Public, host.Services.GetRequiredService<IFleetSecurity>().GetPeerPublicKey("pc2-bridge").ToZ85());
    }

    [Fact]
    public async Task AllowList_DefaultsToAuthorizedUnderCertificates()
    {
        TestKeys.Certificate(TestKeys.Carol, withSecret: false).Save(_temp.CreateDirectory("certificates", "authorized"), "client");

        using var host = await StartAsync();

        Assert.True(host.Services.GetRequiredService<IFleetSecurity>().AllowList.IsAllowed(CurvePublicKey.Parse(TestKeys.Carol.Public)));
    }

    [Theory]
    [InlineData("tcp://*:7200", true, true)]
    [InlineData("tcp://0.0.0.0:7200", true, true)]
    [InlineData("tcp://192.168.1.10:7200", false, false)]
    public async Task EnsureEndpointAllowed_DefaultPolicy_Refuses(string endpoint, bool bind, bool usesCurve)
    {
        using var host = await StartAsync();

        var error = Assert.Throws<FleetSecurityException>(() =>
            host.Services.GetRequiredService<IFleetSecurity>().EnsureEndpointAllowed(endpoint, bind, usesCurve));

        Assert.Contains("Fleet:Security:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:7200", true, false)]
    [InlineData("ipc:///tmp/agent.sock", true, false)]
    [InlineData("tcp://192.168.1.10:7200", false, true)]
    [InlineData("tcp://10.0.0.5:7200", true, true)]
    public async Task EnsureEndpointAllowed_DefaultPolicy_Allows(string endpoint, bool bind, bool usesCurve)
    {
        using var host = await StartAsync();

        var security = host.Services.GetRequiredService<IFleetSecurity>();

        Assert.Null(Record.Exception(() => security.EnsureEndpointAllowed(endpoint, bind, usesCurve)));
    }

    [Fact]
    public async Task EnsureEndpointAllowed_CurveOffAndAnyAddressAllowed_WarnsOncePerEndpoint()
    {
        _configuration["Fleet:Security:RequireCurve"] = "false";
        _configuration["Fleet:Security:AllowAnyAddressBind"] = "true";
        using var host = await StartAsync();
        var security = host.Services.GetRequiredService<IFleetSecurity>();

        security.EnsureEndpointAllowed("tcp://*:7200", bind: true, usesCurve: false);
        security.EnsureEndpointAllowed("tcp://*:7200", bind: true, usesCurve: false);

        Assert.Single(_logs.Entries, e => e.EventId.Id == 3002);
    }

    [Fact]
    public void AddFleetSecurity_Twice_OneValidatorOneService()
    {
        var services = new ServiceCollection();
        services.AddFleetSecurity().AddFleetSecurity(o => o.RequireCurve = true);

        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<FleetSecurityOptions>));
        Assert.Single(services, d => d.ServiceType == typeof(IFleetSecurity));
    }

    private async Task<IHost> StartAsync()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _temp.Path });
        builder.Configuration.AddInMemoryCollection(_configuration);
        builder.Logging.AddProvider(_logs);
        builder.Services.AddSingleton<IEnvironmentVariables>(new DictionaryEnvironmentVariables(_environment));
        builder.Services.Replace(ServiceDescriptor.Singleton(new CommandLineArguments(_arguments)));
        builder.AddFleetSecurity();
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
