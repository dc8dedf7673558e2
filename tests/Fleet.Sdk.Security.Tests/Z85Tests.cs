namespace Fleet.Sdk.Security.Tests;

public sealed class Z85Tests
{
    private static readonly byte[] SpecBytes = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B];

    [Fact]
    public void Encode_SpecVector_IsHelloWorld() => Assert.Equal("HelloWorld", Z85.Encode(SpecBytes));

    [Fact]
    public void Decode_SpecVector_ReturnsBytes() => Assert.Equal(SpecBytes, Z85.Decode("HelloWorld"));

    [Fact]
    public void RoundTrip_RandomBuffers_Identity()
    {
        var random = new Random(42);
        for (var length = 0; length <= 128; length += 4)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            Assert.Equal(bytes, Z85.Decode(Z85.Encode(bytes)));
        }
    }

    [Fact]
    public void Encode_LengthNotMultipleOfFour_Throws() =>
        Assert.Throws<ArgumentException>(() => Z85.Encode(new byte[5]));

    [Theory]
    [InlineData("Hello", true)]
    [InlineData("Hell", false)]
    [InlineData("Hell\"", false)]
    [InlineData("#####", false)]
    [InlineData("Héllo", false)]
    public void TryDecode_Validates(string text, bool valid)
    {
        Assert.Equal(valid, Z85.TryDecode(text, out _, out var error));
        Assert.Equal(valid, error.Length == 0);
    }

    [Fact]
    public void Decode_GroupOverflows_SaysLargerThan32Bits()
    {
        var error = Assert.Throws<FormatException>(() => Z85.Decode("#####"));

        Assert.Contains("larger than 32 bits", error.Message, StringComparison.Ordinal);
    }
}
