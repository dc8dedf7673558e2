using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using Fleet.Sdk.Security;

namespace Fleet.Sdk.Logging;

/// <summary>
/// Masks secrets inside text: every value registered in <see cref="ISecretRegistry"/>, the password
/// part of connection strings (<c>password=...</c>, <c>pwd=...</c>) and of URLs (<c>://user:pass@</c>).
/// Text without any of them is returned as is, after a vectorised scan.
/// </summary>
internal sealed partial class TextRedactor
{
    /// <summary>Registered values shorter than this are not masked: masking "a" everywhere would destroy every log line.</summary>
    public const int MinimumSecretLength = 4;

    private static readonly string[] HintWords = ["password", "pwd", "passwd", "://"];

    private readonly ISecretRegistry _registry;
    private readonly Lock _gate = new();
    private volatile Secrets _secrets = new(-1, [], null, SearchValues.Create(HintWords, StringComparison.OrdinalIgnoreCase));

    public TextRedactor(ISecretRegistry registry)
    {
        _registry = registry;
    }

    /// <summary>Returns the masked text, or <see langword="null"/> when nothing needed masking.</summary>
    public string? Redact(string text)
    {
        var secrets = Current();
        var span = text.AsSpan();

        // One vectorised pass over secrets and hint words together (case-insensitively, so it can
        // only over-match); the exact checks below run only for the rare text it flags.
        if (span.IndexOfAny(secrets.Any) < 0)
        {
            return null;
        }

        var hasSecret = secrets.Search is not null && span.IndexOfAny(secrets.Search) >= 0;
        var hasHint = span.IndexOfAny(secrets.Hints) >= 0;
        if (!hasSecret && !hasHint)
        {
            return null;
        }

        var result = text;
        if (hasSecret)
        {
            result = MaskValues(result, secrets);
        }

        if (hasHint && span.IndexOfAny(secrets.Hints) >= 0)
        {
            result = ConnectionStringPassword().Replace(result, "$1" + LoggingConstants.Mask);
            result = UrlPassword().Replace(result, "$1" + LoggingConstants.Mask + "@");
        }

        return string.Equals(result, text, StringComparison.Ordinal) ? null : result;
    }

    private static string MaskValues(string text, Secrets secrets)
    {
        var builder = new StringBuilder(text.Length);
        var span = text.AsSpan();
        while (true)
        {
            var index = span.IndexOfAny(secrets.Search!);
            if (index < 0)
            {
                builder.Append(span);
                return builder.ToString();
            }

            builder.Append(span[..index]);
            var rest = span[index..];
            var length = 1;
            foreach (var value in secrets.Values)
            {
                if (rest.StartsWith(value, StringComparison.Ordinal))
                {
                    length = value.Length;
                    break;
                }
            }

            builder.Append(LoggingConstants.Mask);
            span = rest[length..];
        }
    }

    private Secrets Current()
    {
        var secrets = _secrets;
        var version = _registry.Version;
        if (secrets.Version == version)
        {
            return secrets;
        }

        lock (_gate)
        {
            if (_secrets.Version != version)
            {
                // Longest first, so that a secret containing another is masked whole.
                var values = _registry.Secrets.Select(s => s.Value).Where(v => v.Length >= MinimumSecretLength)
                    .Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length).ToArray();
                _secrets = new Secrets(
                    version,
                    values,
                    values.Length == 0 ? null : SearchValues.Create(values, StringComparison.Ordinal),
                    SearchValues.Create([.. values, .. HintWords], StringComparison.OrdinalIgnoreCase));
            }

            return _secrets;
        }
    }

    [GeneratedRegex(@"(\b(?:password|passwd|pwd)\s*[=:]\s*)(""[^""]*""|'[^']*'|[^;,\s""'&]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ConnectionStringPassword();

    [GeneratedRegex(@"(://[^:/@\s]*:)[^@/\s]+@", RegexOptions.CultureInvariant)]
    private static partial Regex UrlPassword();

    /// <summary>Gets a number that changes when the set of secrets changes, so callers can cache results per version.</summary>
    public int Version => Current().Version;

    private sealed record Secrets(int Version, string[] Values, SearchValues<string>? Search, SearchValues<string> Any)
    {
        public SearchValues<string> Hints { get; } = SearchValues.Create(HintWords, StringComparison.OrdinalIgnoreCase);
    }
}
