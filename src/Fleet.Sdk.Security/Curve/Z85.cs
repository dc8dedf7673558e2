namespace Fleet.Sdk.Security;

/// <summary>
/// ZeroMQ's Z85 encoding (rfc.zeromq.org/spec:32): 4 bytes to 5 printable characters. CURVE keys
/// are 32 bytes, so 40 characters.
/// </summary>
public static class Z85
{
    private const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
    private static readonly sbyte[] Decoder = BuildDecoder();

    /// <summary>Encodes <paramref name="data"/>, whose length must be a multiple of 4.</summary>
    /// <param name="data">The bytes to encode.</param>
    /// <returns>The Z85 text, 5 characters per 4 bytes.</returns>
    /// <exception cref="ArgumentException">The length is not a multiple of 4.</exception>
    public static string Encode(ReadOnlySpan<byte> data)
    {
        if (data.Length % 4 != 0)
        {
            throw new ArgumentException($"Z85 encodes whole 4-byte groups; {data.Length} bytes is not a multiple of 4.", nameof(data));
        }

        return string.Create(data.Length / 4 * 5, data.ToArray(), static (chars, bytes) =>
        {
            for (int i = 0, c = 0; i < bytes.Length; i += 4, c += 5)
            {
                uint value = ((uint)bytes[i] << 24) | ((uint)bytes[i + 1] << 16) | ((uint)bytes[i + 2] << 8) | bytes[i + 3];
                for (var k = 4; k >= 0; k--)
                {
                    chars[c + k] = Alphabet[(int)(value % 85)];
                    value /= 85;
                }
            }
        });
    }

    /// <summary>Decodes Z85 text, whose length must be a multiple of 5.</summary>
    /// <param name="text">The Z85 text.</param>
    /// <returns>The decoded bytes.</returns>
    /// <exception cref="FormatException">The text is not valid Z85; the message says why.</exception>
    public static byte[] Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryDecode(text, out var bytes, out var error) ? bytes : throw new FormatException(error);
    }

    /// <summary>Decodes Z85 text without throwing.</summary>
    /// <param name="text">The Z85 text.</param>
    /// <param name="bytes">The decoded bytes, when valid.</param>
    /// <param name="error">Why the text is invalid, otherwise empty.</param>
    /// <returns><see langword="true"/> when the text is valid Z85.</returns>
    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes, out string error)
    {
        bytes = [];
        if (text.Length % 5 != 0)
        {
            error = $"Z85 text comes in 5-character groups; {text.Length} characters is not a multiple of 5.";
            return false;
        }

        var result = new byte[text.Length / 5 * 4];
        for (int c = 0, i = 0; c < text.Length; c += 5, i += 4)
        {
            ulong value = 0;
            for (var k = 0; k < 5; k++)
            {
                var ch = text[c + k];
                var digit = ch < 128 ? Decoder[ch] : (sbyte)-1;
                if (digit < 0)
                {
                    error = $"'{(char.IsControl(ch) ? '?' : ch)}' at position {c + k + 1} is not a Z85 character.";
                    return false;
                }

                value = (value * 85) + (ulong)digit;
            }

            if (value > uint.MaxValue)
            {
                error = $"the group at position {c + 1} encodes a value larger than 32 bits.";
                return false;
            }

            result[i] = (byte)(value >> 24);
            result[i + 1] = (byte)(value >> 16);
            result[i + 2] = (byte)(value >> 8);
            result[i + 3] = (byte)value;
        }

        bytes = result;
        error = string.Empty;
        return true;
    }

    private static sbyte[] BuildDecoder()
    {
        var table = new sbyte[128];
        Array.Fill(table, (sbyte)-1);
        for (var i = 0; i < Alphabet.Length; i++)
        {
            table[Alphabet[i]] = (sbyte)i;
        }

        return table;
    }
}
