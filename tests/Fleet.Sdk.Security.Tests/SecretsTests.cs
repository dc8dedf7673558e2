using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Security.Tests;

public sealed class SecretsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Register_SameValueTwice_KeptOnceVersionBumpedOnce()
    {
        var registry = new SecretRegistry();

        registry.Register("a", "hunter22");
        registry.Register("b", "hunter22");

        Assert.Single(registry.Secrets);
        Assert.Equal(1, registry.Version);
    }

    [Fact]
    public void Secrets_LongestFirst()
    {
        var registry = new SecretRegistry();
        registry.Register("short", "abcd");
        registry.Register("long", "abcdefghij");

        Assert.Equal(["long", "short"], registry.Secrets.Select(s => s.Name));
        Assert.DoesNotContain("abcd", registry.Secrets[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void GetSecret_FromSecretsDirectory_TrimsNewlineAndRegisters()
    {
        _temp.WriteFile("redis-password", "s3cr3t-value\n");
        var registry = new SecretRegistry();
        var store = Store(new FleetSecurityOptions { SecretsDirectory = _temp.Path }, registry);

        Assert.Equal("s3cr3t-value", store.GetSecret("redis-password"));
        Assert.Equal("s3cr3t-value", Assert.Single(registry.Secrets).Value);
    }

    [Fact]
    public void GetSecret_ExplicitPath_WinsOverDirectory()
    {
        _temp.WriteFile("dir/token", "from-dir");
        var explicitPath = _temp.WriteFile("elsewhere/token.txt", "from-file");
        var options = new FleetSecurityOptions { SecretsDirectory = _temp.Combine("dir") };
        options.Secrets["token"] = explicitPath;

        Assert.Equal("from-file", Store(options, new SecretRegistry()).GetSecret("token"));
    }

    [Fact]
    public void GetSecret_Missing_SaysWhereItLookedAndWhichKeyToSet()
    {
        var store = Store(new FleetSecurityOptions { SecretsDirectory = _temp.Path }, new SecretRegistry());

        var error = Assert.Throws<FleetSecurityException>(() => store.GetSecret("api-token"));

        Assert.Contains(_temp.Combine("api-token"), error.Message, StringComparison.Ordinal);
        Assert.Contains("Fleet:Security:Secrets:api-token", error.Message, StringComparison.Ordinal);
        Assert.False(store.TryGetSecret("api-token", out _));
    }

    [Fact]
    public void GetSecret_EmptyFile_Refused()
    {
        _temp.WriteFile("empty", "\n");
        var store = Store(new FleetSecurityOptions { SecretsDirectory = _temp.Path }, new SecretRegistry());

        Assert.Contains("is empty", Assert.Throws<FleetSecurityException>(() => store.GetSecret("empty")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--redis-password=hunter2", "--redis-password")]
    [InlineData("--Fleet:Security:ApiToken=abc", "--Fleet:Security:ApiToken")]
    [InlineData("/private-key=abc", "/private-key")]
    public void SecretArguments_NamedSecretWithValue_ReportedByNameOnly(string argument, string reported)
    {
        var found = SecurityChecks.SecretArguments(["run", argument], new SecretRegistry()).ToList();

        Assert.Equal(reported, Assert.Single(found).Argument);
    }

    [Fact]
    public void SecretArguments_SeparateValue_Reported()
    {
        var found = SecurityChecks.SecretArguments(["--password", "hunter2"], new SecretRegistry()).ToList();

        Assert.Equal("--password", Assert.Single(found).Argument);
    }

    [Theory]
    [InlineData("--password-file", "/run/secrets/pw")]
    [InlineData("--Fleet:Security:SecretsDirectory", "/run/secrets")]
    [InlineData("--token-path", "/x")]
    [InlineData("--verbose", "--password-file=/x")]
    public void SecretArguments_PathsAndNamesOfSecrets_NotReported(string name, string value)
    {
        Assert.Empty(SecurityChecks.SecretArguments([name, value], new SecretRegistry()));
    }

    [Fact]
    public void SecretArguments_RegisteredValueAnywhere_ReportedWithoutValue()
    {
        var registry = new SecretRegistry();
        registry.Register("redis-password", "pa55word!");

        var found = Assert.Single(SecurityChecks.SecretArguments(["--redis", "redis://:pa55word!@10.0.0.1"], registry));

        Assert.Contains("redis-password", found.Argument, StringComparison.Ordinal);
        Assert.DoesNotContain("pa55word!", found.Argument, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Fleet:Security:Secrets:redis-password=/etc/fleet/redis.pass")]
    [InlineData("--Fleet__Security__Secrets__api-token=/run/secrets/token")]
    [InlineData("/Fleet:Security:Secrets:redis-password=redis.pass")]
    public void SecretArguments_PathOfSecretFileUnderDocumentedKey_NotReported(string argument)
    {
        Assert.Empty(SecurityChecks.SecretArguments(["run", argument], new SecretRegistry()));
    }

    [Fact]
    public void SecretArguments_DocumentedSecretKeyWithSeparatePath_NotReported()
    {
        Assert.Empty(SecurityChecks.SecretArguments(["--Fleet:Security:Secrets:redis-password", "/etc/fleet/redis.pass"], new SecretRegistry()));
    }

    [Theory]
    [InlineData("--Fleet:Discovery:Redis:ConnectionString=10.0.0.2:6379,password=hunter2", "--Fleet:Discovery:Redis:ConnectionString")]
    [InlineData("--Fleet:Discovery:Redis:ConnectionString=10.0.0.2:6379,ssl=true,Password = hunter2,abortConnect=false", "--Fleet:Discovery:Redis:ConnectionString")]
    [InlineData("--db=Server=x;User Id=fleet;Pwd=hunter2;", "--db")]
    [InlineData("--redis=redis://:hunter2@10.0.0.2:6379/0", "--redis")]
    [InlineData("--upstream=https://fleet:hunter2@example.org/api", "--upstream")]
    [InlineData("--callback=http://example.org/hook?token=hunter2", "--callback")]
    public void SecretArguments_PasswordInsideValue_ReportedByNameOnly(string argument, string reported)
    {
        var found = Assert.Single(SecurityChecks.SecretArguments(["run", argument], new SecretRegistry()));

        Assert.Equal(reported, found.Argument);
        Assert.True(found.InsideValue);
        Assert.DoesNotContain("hunter2", found.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void SecretArguments_PasswordInsideSeparateValue_Reported()
    {
        var found = Assert.Single(SecurityChecks.SecretArguments(["--Fleet:Discovery:Redis:ConnectionString", "10.0.0.2:6379,password=hunter2"], new SecretRegistry()));

        Assert.Equal("--Fleet:Discovery:Redis:ConnectionString", found.Argument);
    }

    [Theory]
    [InlineData("--Fleet:Discovery:Redis:ConnectionString=10.0.0.2:6379,abortConnect=false")]
    [InlineData("--redis=redis://10.0.0.2:6379/0")]
    [InlineData("--upstream=https://fleet@example.org/api")]
    [InlineData("--Fleet:Discovery:Redis:ConnectionString=10.0.0.2:6379,password=")]
    public void SecretArguments_ValueWithoutPassword_NotReported(string argument)
    {
        Assert.Empty(SecurityChecks.SecretArguments(["run", argument], new SecretRegistry()));
    }

    [Fact]
    public void SecretOnCommandLine_PasswordInsideValue_SaysHowToMoveItToSecretFile()
    {
        var found = Assert.Single(SecurityChecks.SecretArguments(["--Fleet:Discovery:Redis:ConnectionString=h:6379,password=hunter2"], new SecretRegistry()));

        var message = SecurityErrors.SecretOnCommandLine(found).Message;

        Assert.Contains("--Fleet:Discovery:Redis:ConnectionString", message, StringComparison.Ordinal);
        Assert.Contains("Fleet:Security:Secrets:redis-password", message, StringComparison.Ordinal);
        Assert.Contains("chmod 600", message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", message, StringComparison.Ordinal);
    }

    private static FileSecretStore Store(FleetSecurityOptions options, ISecretRegistry registry) => new(Options.Create(options), registry);
}
