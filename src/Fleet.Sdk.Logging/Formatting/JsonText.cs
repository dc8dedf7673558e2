using System.Buffers;
using System.Globalization;

namespace Fleet.Sdk.Logging;

/// <summary>Writes JSON tokens to a <see cref="TextWriter"/>, with a vectorised fast path for text that needs no escaping.</summary>
internal static class JsonText
{
    private static readonly SearchValues<char> NeedsEscape = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u2028\u2029");

    public static void WriteString(TextWriter writer, ReadOnlySpan<char> value, int maxLength)
    {
        var truncated = 0;
        if (value.Length > maxLength)
        {
            truncated = value.Length - maxLength;
            value = value[..maxLength];
        }

        writer.Write('"');
        WriteEscapedChars(writer, value);
        if (truncated > 0)
        {
            WriteTruncationMarker(writer, truncated);
        }

        writer.Write('"');
    }

    /// <summary>Writes string content (no quotes) with JSON escapes.</summary>
    public static void WriteEscapedChars(TextWriter writer, ReadOnlySpan<char> value)
    {
        while (true)
        {
            var index = value.IndexOfAny(NeedsEscape);
            if (index < 0)
            {
                writer.Write(value);
                return;
            }

            writer.Write(value[..index]);
            WriteEscaped(writer, value[index]);
            value = value[(index + 1)..];
        }
    }

    public static void WriteTruncationMarker(TextWriter writer, long truncated)
    {
        Span<char> digits = stackalloc char[20];
        truncated.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
        writer.Write("…[truncated ");
        writer.Write(digits[..written]);
        writer.Write(" chars]");
    }

    public static void WriteNumber<T>(TextWriter writer, T value)
        where T : ISpanFormattable
    {
        Span<char> digits = stackalloc char[64];
        if (value.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture))
        {
            writer.Write(digits[..written]);
        }
        else
        {
            writer.Write(value.ToString(null, CultureInfo.InvariantCulture));
        }
    }

    public static void WritePropertyName(TextWriter writer, string name)
    {
        WriteString(writer, name, int.MaxValue);
        writer.Write(':');
    }

    private static void WriteEscaped(TextWriter writer, char c)
    {
        switch (c)
        {
            case '"': writer.Write("\\\""); break;
            case '\\': writer.Write("\\\\"); break;
            case '\n': writer.Write("\\n"); break;
            case '\r': writer.Write("\\r"); break;
            case '\t': writer.Write("\\t"); break;
            default:
                writer.Write("\\u");
                writer.Write(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                break;
        }
    }
}
