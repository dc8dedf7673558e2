namespace Fleet.Sdk.Security;

/// <summary>Shared parsing of a key's Z85 text, with errors that never quote the text.</summary>
internal static class CurveKeyText
{
    public static bool TryDecode(string? text, out byte[] bytes, out string error)
    {
        bytes = [];
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the value is empty. Generate a key pair with 'fleet keys generate NAME --out DIR'.";
            return false;
        }

        var trimmed = text.Trim();
        if (WeakCurveKeys.IsPlaceholderText(trimmed))
        {
            error = "the value is a placeholder (such as 'default', the Python fleet's fallback), not a key. " +
                    "Generate a key pair with 'fleet keys generate NAME --out DIR'.";
            return false;
        }

        if (trimmed.Length != CurvePublicKey.Z85Length)
        {
            error = $"expected {CurvePublicKey.Z85Length} Z85 characters, found {trimmed.Length}. " +
                    "Generate a key pair with 'fleet keys generate NAME --out DIR'.";
            return false;
        }

        if (!Z85.TryDecode(trimmed, out bytes, out var z85Error))
        {
            error = $"it is not valid Z85: {z85Error}";
            return false;
        }

        error = string.Empty;
        return true;
    }
}
