namespace Fleet.Sdk.Security.Tests;

public sealed class CurveCertificateTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Save_Pyzmq_WritesKeyAndKeySecretWithOwnerOnlySecret()
    {
        var files = TestKeys.Certificate(TestKeys.Alice).Save(_temp.Path, "alice");

        Assert.Equal(_temp.Combine("alice.key"), files.PublicPath);
        Assert.Equal(_temp.Combine("alice.key_secret"), files.SecretPath);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(files.SecretPath!));
        Assert.True(File.GetUnixFileMode(files.PublicPath).HasFlag(UnixFileMode.OtherRead));
        Assert.DoesNotContain(TestKeys.Alice.Secret, File.ReadAllText(files.PublicPath), StringComparison.Ordinal);
        Assert.Contains(TestKeys.Alice.Secret, File.ReadAllText(files.SecretPath!), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.tmp"));
    }

    [Fact]
    public void Save_Czmq_WritesNameAndNameSecret()
    {
        var files = TestKeys.Certificate(TestKeys.Bob).Save(_temp.Path, "bob", CurveCertificateFormat.Czmq);

        Assert.Equal(_temp.Combine("bob"), files.PublicPath);
        Assert.Equal(_temp.Combine("bob_secret"), files.SecretPath);
        Assert.Equal(TestKeys.Bob.Secret, CurveCertificate.LoadSecret(_temp.Path, "bob").SecretKey!.ToZ85());
        Assert.Null(CurveCertificate.LoadPublic(_temp.Path, "bob").SecretKey);
    }

    [Fact]
    public void Save_ExistingFile_RefusesToOverwriteAndKeepsOldKey()
    {
        TestKeys.Certificate(TestKeys.Alice).Save(_temp.Path, "agent");

        var error = Assert.Throws<FleetSecurityException>(() => TestKeys.Certificate(TestKeys.Bob).Save(_temp.Path, "agent"));

        Assert.Contains("refusing to overwrite", error.Message, StringComparison.Ordinal);
        Assert.Equal(TestKeys.Alice.Public, CurveCertificate.LoadSecret(_temp.Path, "agent").PublicKey.ToZ85());
    }

    [Fact]
    public void Save_Overwrite_ReplacesBothFiles()
    {
        TestKeys.Certificate(TestKeys.Alice).Save(_temp.Path, "agent");

        TestKeys.Certificate(TestKeys.Bob).Save(_temp.Path, "agent", overwrite: true);

        Assert.Equal(TestKeys.Bob.Public, CurveCertificate.LoadSecret(_temp.Path, "agent").PublicKey.ToZ85());
    }

    [Fact]
    public void Load_Metadata_RoundTrips()
    {
        var certificate = new CurveCertificate(
            CurvePublicKey.Parse(TestKeys.Carol.Public),
            CurveSecretKey.Parse(TestKeys.Carol.Secret),
            new Dictionary<string, string> { ["machine"] = "pc2", ["agent"] = "MemoryOrchestrator" });
        certificate.Save(_temp.Path, "carol", CurveCertificateFormat.Czmq);

        var loaded = CurveCertificate.Load(_temp.Combine("carol_secret"));

        Assert.Equal("pc2", loaded.Metadata["machine"]);
        Assert.Equal("MemoryOrchestrator", loaded.Metadata["agent"]);
    }

    [Fact]
    public void Load_CzmqZcertFile_Parsed()
    {
        // As czmq's zcert_save writes it: tabs or four spaces, quoted values, metadata first.
        var path = _temp.WriteFile("server", $"""
            #   ****  Generated on 2024-03-01 10:00:00 by CZMQ  ****
            #   ZeroMQ CURVE Public Certificate
            #   Exchange securely, or use a secure mechanism to verify the contents
            #   of this file after exchange. Store public certificates in your home
            #   directory, in the .curve subdirectory.

            metadata
                name = "server"
            curve
                public-key = "{TestKeys.Bob.Public}"

            """);

        var certificate = CurveCertificate.Load(path);

        Assert.Equal(TestKeys.Bob.Public, certificate.PublicKey.ToZ85());
        Assert.Equal("server", certificate.Metadata["name"]);
    }

    [Fact]
    public void Load_NoPublicKey_ErrorNamesFile()
    {
        var path = _temp.WriteFile("empty.key", "metadata\ncurve\n");

        var error = Assert.Throws<FleetSecurityException>(() => CurveCertificate.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("no 'public-key'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MalformedLine_ErrorNamesFileAndLine()
    {
        var path = _temp.WriteFile("bad.key", "metadata\ncurve\n    public-key \"x\"\n");

        var error = Assert.Throws<FleetSecurityException>(() => CurveCertificate.Load(path));

        Assert.StartsWith($"{path}:3:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PlaceholderKey_ErrorSaysPlaceholder()
    {
        var path = _temp.WriteFile("legacy.key", "curve\n    public-key = \"default\"\n");

        var error = Assert.Throws<FleetSecurityException>(() => CurveCertificate.Load(path));

        Assert.Contains("placeholder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadSecret_Missing_ListsBothFileNames()
    {
        var error = Assert.Throws<FleetSecurityException>(() => CurveCertificate.LoadSecret(_temp.Path, "ghost"));

        Assert.Contains("ghost.key_secret", error.Message, StringComparison.Ordinal);
        Assert.Contains("ghost_secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadSecret_PublicOnlyFile_Refused()
    {
        _temp.WriteFile("half.key_secret", $"curve\n    public-key = \"{TestKeys.Alice.Public}\"\n");

        var error = Assert.Throws<FleetSecurityException>(() => CurveCertificate.LoadSecret(_temp.Path, "half"));

        Assert.Contains("holds no 'secret-key'", error.Message, StringComparison.Ordinal);
    }

    [PyZmqFact]
    public async Task Load_CertificatesMadeByPyzmq_ReadsBothFiles()
    {
        var script = "import sys, zmq.auth\npub, sec = zmq.auth.create_certificates(sys.argv[1], 'py')\n" +
                     "p, s = zmq.auth.load_certificate(sec)\nprint(p.decode()); print(s.decode())";

        var (exit, output, error) = await PyZmq.RunAsync(script, TimeSpan.FromSeconds(30), _temp.Path);

        Assert.True(exit == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var secret = CurveCertificate.LoadSecret(_temp.Path, "py");
        Assert.Equal(lines[0], secret.PublicKey.ToZ85());
        Assert.Equal(lines[1], secret.SecretKey!.ToZ85());
        Assert.Equal(lines[0], CurveCertificate.LoadPublic(_temp.Path, "py").PublicKey.ToZ85());
    }

    [PyZmqFact]
    public async Task Save_ReadByPyzmqLoadCertificate_SameKeys()
    {
        var files = TestKeys.Certificate(TestKeys.Carol).Save(_temp.Path, "fleet");
        var script = "import sys, zmq.auth\n" +
                     "p, s = zmq.auth.load_certificate(sys.argv[1]); print(p.decode(), s.decode())\n" +
                     "print(list(k.decode() for k in zmq.auth.load_certificates(sys.argv[2])))";

        var (exit, output, error) = await PyZmq.RunAsync(script, TimeSpan.FromSeconds(30), files.SecretPath!, _temp.Path);

        Assert.True(exit == 0, error);
        Assert.Contains($"{TestKeys.Carol.Public} {TestKeys.Carol.Secret}", output, StringComparison.Ordinal);
        Assert.Contains($"['{TestKeys.Carol.Public}']", output, StringComparison.Ordinal);
    }
}
