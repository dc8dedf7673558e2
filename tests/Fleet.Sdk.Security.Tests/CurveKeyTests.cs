namespace Fleet.Sdk.Security.Tests;

public sealed class CurveKeyTests
{
    [Fact]
    public void Parse_PyzmqKey_RoundTripsToSameText()
    {
        var key = CurvePublicKey.Parse(TestKeys.Alice.Public);

        Assert.Equal(32, key.Bytes.Length);
        Assert.Equal(TestKeys.Alice.Public, key.ToZ85());
        Assert.Equal(TestKeys.Alice.Public, key.ToString());
        Assert.Equal(key, CurvePublicKey.FromBytes(key.Bytes));
    }

    [Theory]
    [InlineData("default")]
    [InlineData("changeme")]
    [InlineData("0000000000000000000000000000000000000000")]
    public void Parse_Placeholder_FailsNamingThePlaceholderAndTheFix(string text)
    {
        var error = Assert.Throws<FormatException>(() => CurvePublicKey.Parse(text));

        Assert.Contains("placeholder", error.Message, StringComparison.Ordinal);
        Assert.Contains("fleet keys generate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WrongLength_SaysExpectedLength()
    {
        var error = Assert.Throws<FormatException>(() => CurvePublicKey.Parse("abcde"));

        Assert.Contains("expected 40 Z85 characters, found 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SecretKey_ToStringAndErrors_NeverShowTheKey()
    {
        var secret = CurveSecretKey.Parse(TestKeys.Alice.Secret);
        var bad = TestKeys.Alice.Secret[..39] + "\"";

        Assert.DoesNotContain(TestKeys.Alice.Secret, secret.ToString(), StringComparison.Ordinal);
        Assert.Equal(TestKeys.Alice.Secret, secret.ToZ85());
        Assert.False(CurveSecretKey.TryParse(bad, out _, out var error));
        Assert.DoesNotContain(TestKeys.Alice.Secret[..10], error, StringComparison.Ordinal);
    }

    [Fact]
    public void SecretKey_Equality_ByValue()
    {
        Assert.Equal(CurveSecretKey.Parse(TestKeys.Bob.Secret), CurveSecretKey.Parse(TestKeys.Bob.Secret));
        Assert.NotEqual(CurveSecretKey.Parse(TestKeys.Bob.Secret), CurveSecretKey.Parse(TestKeys.Carol.Secret));
    }

    [Theory]
    [InlineData(TestKeys.ManualServerPublic, "published")]
    [InlineData(TestKeys.ManualServerSecret, "published")]
    public void EnsureUsableKey_PublishedKey_Refused(string z85, string reason)
    {
        var key = CurvePublicKey.Parse(z85);

        var error = Assert.Throws<FleetSecurityException>(() => SecurityChecks.EnsureUsableKey("test", key.Bytes, key.ToZ85()));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureUsableKey_AllZeroBytes_Refused()
    {
        var zero = new byte[32];

        var error = Assert.Throws<FleetSecurityException>(() => SecurityChecks.EnsureUsableKey("ZMQ_PRIVATE_KEY", zero, Z85.Encode(zero)));

        Assert.Contains("all zeros", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureUsableKey_LowDiversity_Refused()
    {
        var bytes = Enumerable.Range(0, 32).Select(i => (byte)(i % 3)).ToArray();

        Assert.Throws<FleetSecurityException>(() => SecurityChecks.EnsureUsableKey("x", bytes, Z85.Encode(bytes)));
    }

    [Fact]
    public void EnsureUsableKey_GeneratedKey_Accepted()
    {
        var key = CurveSecretKey.Parse(TestKeys.Carol.Secret);

        Assert.Null(Record.Exception(() => SecurityChecks.EnsureUsableKey("x", key.Bytes, key.ToZ85())));
    }
}
