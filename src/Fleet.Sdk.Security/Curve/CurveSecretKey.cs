using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Fleet.Sdk.Security;

/// <summary>
/// A CURVE secret key: 32 bytes, written as 40 Z85 characters. <see cref="ToString"/> never shows
/// it; ask for <see cref="ToZ85"/> explicitly, and only to write it to a protected file.
/// </summary>
public sealed class CurveSecretKey : IEquatable<CurveSecretKey>
{
    /// <summary>The length of a key in bytes.</summary>
    public const int Length = 32;

    private readonly byte[] _bytes;

    private CurveSecretKey(byte[] bytes)
    {
        _bytes = bytes;
    }

    /// <summary>Gets the key's 32 bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Creates a key from its 32 bytes.</summary>
    /// <param name="bytes">Exactly 32 bytes.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentException">The length is not 32.</exception>
    public static CurveSecretKey FromBytes(ReadOnlySpan<byte> bytes) =>
        bytes.Length == Length
            ? new CurveSecretKey(bytes.ToArray())
            : throw new ArgumentException($"A CURVE key is {Length} bytes, not {bytes.Length}.", nameof(bytes));

    /// <summary>Parses a key from 40 Z85 characters.</summary>
    /// <param name="z85">The Z85 text.</param>
    /// <returns>The key.</returns>
    /// <exception cref="FormatException">The text is not a CURVE key; the message says why without quoting it.</exception>
    public static CurveSecretKey Parse(string z85) =>
        TryParse(z85, out var key, out var error) ? key : throw new FormatException($"Not a CURVE secret key: {error}");

    /// <summary>Parses a key from 40 Z85 characters without throwing.</summary>
    /// <param name="z85">The Z85 text.</param>
    /// <param name="key">The key, when valid.</param>
    /// <param name="error">Why the text is not a key, otherwise empty; never quotes the text.</param>
    /// <returns><see langword="true"/> when the text is a key.</returns>
    public static bool TryParse([NotNullWhen(true)] string? z85, [NotNullWhen(true)] out CurveSecretKey? key, out string error)
    {
        key = null;
        if (!CurveKeyText.TryDecode(z85, out var bytes, out error))
        {
            return false;
        }

        key = new CurveSecretKey(bytes);
        return true;
    }

    /// <summary>Gets the key as 40 Z85 characters, for writing to a protected file.</summary>
    /// <returns>The Z85 text.</returns>
    public string ToZ85() => Z85.Encode(_bytes);

    /// <inheritdoc />
    public bool Equals(CurveSecretKey? other) =>
        other is not null && CryptographicOperations.FixedTimeEquals(_bytes, other._bytes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as CurveSecretKey);

    /// <inheritdoc />
    public override int GetHashCode() => 0x5ec4e7;

    /// <summary>Returns a redacted description: a secret key is never turned into text by accident.</summary>
    /// <returns>A fixed, redacted text.</returns>
    public override string ToString() => "CurveSecretKey(redacted)";
}
