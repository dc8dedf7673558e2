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

    [PyZmqFact]
    public async Task Check_PyzmqCertificates_ListsEveryTooOpenSecretAndExitsOne()
    {
        await CreatePyzmqCertificatesAsync("server", "client");
        await CliRunner.RunAsync("keys", "generate", "pc2", "--out", _temp.Path, "--format", "czmq");
        File.SetUnixFileMode(_temp.Combine("pc2_secret"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        var result = await CliRunner.RunAsync("keys", "check", _temp.Path);

        Assert.Equal(ExitCodes.Problems, result.ExitCode);
        Assert.Contains($"too open: {_temp.Combine("client.key_secret")} (mode 644)", result.Output, StringComparison.Ordinal);
        Assert.Contains($"too open: {_temp.Combine("server.key_secret")} (mode 644)", result.Output, StringComparison.Ordinal);
        Assert.Contains($"too open: {_temp.Combine("pc2_secret")} (mode 640)", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("server.key ", result.Output, StringComparison.Ordinal);
        Assert.Contains("3 secret certificate file(s)", result.Output, StringComparison.Ordinal);
        Assert.Contains($"fleet keys check {_temp.Path} --fix", result.Output, StringComparison.Ordinal);
        Assert.True(CurveSecretFiles.IsExposed(_temp.Combine("server.key_secret"), out _), "check without --fix must not change a mode");
    }

    [PyZmqFact]
    public async Task Check_Fix_RestrictsTooOpenSecretsTo600AndLeavesPublicCertificates()
    {
        await CreatePyzmqCertificatesAsync("server");
        var publicMode = File.GetUnixFileMode(_temp.Combine("server.key"));

        var result = await CliRunner.RunAsync("keys", "check", _temp.Path, "--fix");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains($"fixed: {_temp.Combine("server.key_secret")} (mode 644 -> 600)", result.Output, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_temp.Combine("server.key_secret")));
        Assert.Equal(publicMode, File.GetUnixFileMode(_temp.Combine("server.key")));
        Assert.NotNull(CurveCertificate.LoadSecret(_temp.Path, "server").SecretKey);
        var again = await CliRunner.RunAsync("keys", "check", _temp.Path);
        Assert.Equal(ExitCodes.Success, again.ExitCode);
        Assert.Contains("No secret certificate file", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_MissingDirectory_UsageErrorNamingIt()
    {
        var missing = _temp.Combine("absent");

        var result = await CliRunner.RunAsync("keys", "check", missing);

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains($"{missing}: no such directory", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    /// <summary>Certificates as the legacy agents make them: pyzmq's create_certificates under the usual umask 022 (secret files end up 0644).</summary>
    private async Task CreatePyzmqCertificatesAsync(params string[] names)
    {
        const string Script = """
            import os, sys, zmq.auth
            os.umask(0o022)
            for name in sys.argv[2:]:
                zmq.auth.create_certificates(sys.argv[1], name)
            """;
        var (exitCode, _, error) = await PyZmq.RunAsync(Script, TimeSpan.FromSeconds(20), [_temp.Path, .. names]);
        Assert.True(exitCode == 0, error);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(_temp.Combine($"{names[0]}.key_secret")));
    }
}
