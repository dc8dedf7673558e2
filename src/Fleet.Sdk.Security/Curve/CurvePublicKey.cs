using System.Diagnostics.CodeAnalysis;

namespace Fleet.Sdk.Security;

/// <summary>A CURVE public key: 32 bytes, written as 40 Z85 characters. Public keys are not secret.</summary>
public sealed class CurvePublicKey : IEquatable<CurvePublicKey>
{
    /// <summary>The length of a key in bytes.</summary>
    public const int Length = 32;

    /// <summary>The length of a key in Z85 characters.</summary>
    public const int Z85Length = 40;

    private readonly byte[] _bytes;
    private readonly string _z85;

    private CurvePublicKey(byte[] bytes)
    {
        _bytes = bytes;
        _z85 = Z85.Encode(bytes);
    }

    /// <summary>Gets the key's 32 bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Creates a key from its 32 bytes.</summary>
    /// <param name="bytes">Exactly 32 bytes.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentException">The length is not 32.</exception>
    public static CurvePublicKey FromBytes(ReadOnlySpan<byte> bytes) =>
        bytes.Length == Length
            ? new CurvePublicKey(bytes.ToArray())
            : throw new ArgumentException($"A CURVE key is {Length} bytes, not {bytes.Length}.", nameof(bytes));

    /// <summary>Parses a key from 40 Z85 characters.</summary>
    /// <param name="z85">The Z85 text.</param>
    /// <returns>The key.</returns>
    /// <exception cref="FormatException">The text is not a CURVE key; the message says why and how to make one.</exception>
    public static CurvePublicKey Parse(string z85) =>
        TryParse(z85, out var key, out var error) ? key : throw new FormatException($"Not a CURVE public key: {error}");

    /// <summary>Parses a key from 40 Z85 characters without throwing.</summary>
    /// <param name="z85">The Z85 text.</param>
    /// <param name="key">The key, when valid.</param>
    /// <param name="error">Why the text is not a key, otherwise empty.</param>
    /// <returns><see langword="true"/> when the text is a key.</returns>
    public static bool TryParse([NotNullWhen(true)] string? z85, [NotNullWhen(true)] out CurvePublicKey? key, out string error)
    {
        key = null;
        if (!CurveKeyText.TryDecode(z85, out var bytes, out error))
        {
            return false;
        }

        key = new CurvePublicKey(bytes);
        return true;
    }

    /// <summary>Gets the key as 40 Z85 characters.</summary>
    /// <returns>The Z85 text.</returns>
    public string ToZ85() => _z85;

    /// <inheritdoc />
    public bool Equals(CurvePublicKey? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as CurvePublicKey);

    /// <inheritdoc />
    public override int GetHashCode() => BitConverter.ToInt32(_bytes, 0);

    /// <summary>Gets the key as Z85 text.</summary>
    /// <returns>The Z85 text.</returns>
    public override string ToString() => _z85;
}
