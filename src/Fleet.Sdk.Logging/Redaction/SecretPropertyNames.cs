using System.Collections.Concurrent;

namespace Fleet.Sdk.Logging;

/// <summary>
/// Decides whether a property name looks like it holds a secret, by its words: <c>DbPassword</c>,
/// <c>access_token</c>, <c>ApiKey</c> and <c>SecretKey</c> do; <c>MaxTokens</c>, <c>PublicKey</c>,
/// <c>SecretName</c> and <c>TokenCount</c> do not (an AI fleet logs token counts all day).
/// </summary>
internal sealed class SecretPropertyNames
{
    private static readonly HashSet<string> SecretWords = new(StringComparer.Ordinal)
    {
        "password", "passwd", "pwd", "passphrase", "secret", "secrets", "credential", "credentials", "token",
        "apikey", "privatekey", "secretkey", "connectionstring", "auth", "authorization", "cookie", "bearer",
    };

    // A name ending in one of these describes a secret without holding it.
    private static readonly HashSet<string> DescriptiveWords = new(StringComparer.Ordinal)
    {
        "name", "names", "file", "files", "path", "dir", "directory", "id", "ids", "count", "length", "type",
        "expiry", "expires", "ttl", "age", "source", "kind", "version",
    };

    private readonly string[] _additional;
    private readonly ConcurrentDictionary<string, bool> _cache = new(StringComparer.Ordinal);

    public SecretPropertyNames(IEnumerable<string> additional)
    {
        _additional = [.. additional.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.ToLowerInvariant())];
    }

    public bool IsSecret(string name) => _cache.GetOrAdd(name, static (n, self) => self.Compute(n), this);

    private bool Compute(string name)
    {
        var lower = name.ToLowerInvariant();
        if (_additional.Any(a => lower.Contains(a, StringComparison.Ordinal)))
        {
            return true;
        }

        var words = Words(name);
        if (words.Count == 0 || DescriptiveWords.Contains(words[^1]) || words.Contains("public"))
        {
            return false;
        }

        if (words.Any(SecretWords.Contains) || words[^1] == "key")
        {
            return true;
        }

        // Split compounds: "api" "key", "private" "key", "connection" "string".
        for (var i = 0; i + 1 < words.Count; i++)
        {
            if (SecretWords.Contains(words[i] + words[i + 1]))
            {
                return true;
            }
        }

        return false;
    }

    private static List<string> Words(string name)
    {
        var words = new List<string>();
        var start = 0;
        for (var i = 0; i <= name.Length; i++)
        {
            var boundary = i == name.Length || !char.IsLetterOrDigit(name[i]) ||
                           (i > start && char.IsUpper(name[i]) && !char.IsUpper(name[i - 1]));
            if (!boundary)
            {
                continue;
            }

            if (i > start)
            {
                words.Add(name[start..i].ToLowerInvariant());
            }

            start = i < name.Length && char.IsLetterOrDigit(name[i]) ? i : i + 1;
        }

        return words;
    }
}
