using Fleet.Sdk.Security;

namespace Fleet.Cli.Tests;

public sealed class KeysCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Generate_Pyzmq_WritesLoadablePairWithPrivateSecret()
    {
        var result = await CliRunner.RunAsync("keys", "generate", "mainpc-bridge", "--out", _temp.Path);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var secretPath = _temp.Combine("mainpc-bridge.key_secret");
        var certificate = CurveCertificate.LoadSecret(_temp.Path, "mainpc-bridge");
        Assert.Equal(certificate.PublicKey, CurveCertificate.LoadPublic(_temp.Path, "mainpc-bridge").PublicKey);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secretPath));
        Assert.Contains($"public key:         {certificate.PublicKey}", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(certificate.SecretKey!.ToZ85(), result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_Czmq_WritesZcertFileNames()
    {
        var result = await CliRunner.RunAsync("keys", "generate", "pc2", "--out", _temp.Path, "--format", "czmq");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.True(File.Exists(_temp.Combine("pc2")));
        Assert.True(File.Exists(_temp.Combine("pc2_secret")));
        Assert.NotNull(CurveCertificate.LoadSecret(_temp.Path, "pc2").SecretKey);
    }

    [Fact]
    public async Task Generate_CertificateExists_RefusesAndKeepsTheKey()
    {
        await CliRunner.RunAsync("keys", "generate", "agent", "--out", _temp.Path);
        var before = File.ReadAllText(_temp.Combine("agent.key_secret"));

        var result = await CliRunner.RunAsync("keys", "generate", "agent", "--out", _temp.Path);

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains("refusing to overwrite a key", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(_temp.Combine("agent.key_secret")));
    }

    [Theory]
    [InlineData("--format", "zcert")]
    [InlineData("--no-out", "x")]
    public async Task Generate_BadArguments_UsageError(string option, string value)
    {
        var result = await CliRunner.RunAsync("keys", "generate", "agent", option, value);

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [PyZmqFact]
    public async Task Generate_Pyzmq_PyZmqLoadsItAndDerivesTheSamePublicKey()
    {
        await CliRunner.RunAsync("keys", "generate", "agent", "--out", _temp.Path);
        const string Script = """
            import sys, zmq, zmq.auth
            public, secret = zmq.auth.load_certificate(sys.argv[1])
            print(public.decode(), zmq.curve_public(secret).decode() == public.decode())
            """;

        var (exitCode, output, error) = await PyZmq.RunAsync(Script, TimeSpan.FromSeconds(20), _temp.Combine("agent.key_secret"));

        Assert.True(exitCode == 0, error);
        Assert.Equal($"{CurveCertificate.LoadPublic(_temp.Path, "agent").PublicKey} True", output.Trim());
    }
}
