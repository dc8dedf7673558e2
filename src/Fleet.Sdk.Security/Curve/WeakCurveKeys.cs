namespace Fleet.Sdk.Security;

/// <summary>
/// Keys no deployment may use: placeholders, degenerate keys, and keys published in
/// documentation (anyone can read their secret halves).
/// </summary>
internal static class WeakCurveKeys
{
    // The key pairs printed in libzmq's zmq_curve(7) manual and copied into countless examples.
    private static readonly HashSet<string> Published = new(StringComparer.Ordinal)
    {
        "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7",
        "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6",
        "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID",
        "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs",
    };

    private static readonly string[] PlaceholderWords =
        ["default", "changeme", "change-me", "change_me", "placeholder", "secret", "password", "none", "null", "todo", "xxx", "key"];

    public static bool IsPlaceholderText(string text) =>
        PlaceholderWords.Any(w => string.Equals(text, w, StringComparison.OrdinalIgnoreCase)) ||
        (text.Length > 0 && text.All(c => c == text[0]));

    /// <summary>Says why a key must not be used, or returns <see langword="null"/> when it may.</summary>
    public static string? Reason(ReadOnlySpan<byte> key, string z85)
    {
        if (key.IndexOfAnyExcept(key[0]) < 0)
        {
            return key[0] == 0 ? "it is all zeros" : "every byte of it is the same";
        }

        if (Published.Contains(z85))
        {
            return "it is published in libzmq's documentation and examples, so its secret half is public";
        }

        var distinct = new HashSet<byte>(key.ToArray()).Count;
        return distinct < 8 ? $"it has only {distinct} distinct byte values, which no generated key has" : null;
    }
}
