using System.Text.RegularExpressions;

namespace Fleet.Sdk.Security;

/// <summary>The security rules shared by start-up validation and the runtime checks.</summary>
internal static partial class SecurityChecks
{
    public static void EnsureUsableKey(string source, ReadOnlySpan<byte> key, string z85)
    {
        var reason = WeakCurveKeys.Reason(key, z85);
        if (reason is not null)
        {
            throw SecurityErrors.WeakKey(source, reason);
        }
    }

    public static void EnsureSecretFileProtected(string path)
    {
        if (CurveSecretFiles.IsExposed(path, out var mode))
        {
            throw SecurityErrors.SecretFileExposed(path, mode);
        }
    }

    /// <summary>
    /// Names the command-line arguments that carry a secret, never their values: a secret-looking
    /// option with a value, a password inside a value (a connection string's <c>password=</c>, a
    /// URL's <c>user:password@</c>), or a value this process already holds as a secret. The paths
    /// under <c>Fleet:Security:Secrets:&lt;name&gt;</c> are the documented way to name secret files
    /// and are not secrets.
    /// </summary>
    public static IEnumerable<SecretArgument> SecretArguments(IReadOnlyList<string> args, ISecretRegistry registry)
    {
        var secrets = registry.Secrets;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = (equals >= 0 ? arg[..equals] : arg).TrimStart('-', '/');
            var separateValue = equals < 0 && i + 1 < args.Count && !args[i + 1].StartsWith('-');
            var hasValue = equals >= 0 || separateValue;
            var looksNamed = arg.StartsWith('-') || arg.StartsWith('/') || equals > 0;
            var option = equals >= 0 ? arg[..equals] : arg;
            var value = equals >= 0 ? arg[(equals + 1)..] : separateValue ? args[i + 1] : looksNamed ? string.Empty : arg;

            if (looksNamed && hasValue && SecretName().IsMatch(name) && !NotASecretName().IsMatch(name) && !SecretFileKey().IsMatch(name))
            {
                yield return new SecretArgument(option, InsideValue: false);
            }
            else if (secrets.FirstOrDefault(s => s.Value.Length >= 4 && (arg.Contains(s.Value, StringComparison.Ordinal) || value.Contains(s.Value, StringComparison.Ordinal))) is { } secret)
            {
                yield return new SecretArgument($"argument {i} ({secret.Name})", InsideValue: false);
            }
            else if (PasswordInValue().IsMatch(value))
            {
                yield return new SecretArgument(looksNamed ? option : $"argument {i}", InsideValue: true);
            }

            if (separateValue && looksNamed)
            {
                // The value was checked with its option; it is not an argument of its own.
                i++;
            }
        }
    }

    [GeneratedRegex(@"(password|passwd|passphrase|secret|token|credential|api[-_]?key|private[-_]?key)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();

    // Paths and names of secrets are not secrets: --password-file, Fleet:Security:SecretsDirectory, --token-path.
    [GeneratedRegex(@"(file|path|dir|directory|name|names)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NotASecretName();

    // Fleet:Security:Secrets:<name> (or Fleet__Security__Secrets__<name>) holds the path of a secret file.
    [GeneratedRegex(@"^Fleet(:|__)Security\1Secrets\1[^:]+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretFileKey();

    // A non-empty password= / pwd= / token= inside a connection string or query, or user:password@ in a URL.
    [GeneratedRegex(
        @"(^|[,;?&\s])\s*(password|passwd|pwd|passphrase|secret|token|api[-_]?key|access[-_]?key)\s*=\s*[^\s,;&]|[a-z][a-z0-9+.\-]*://[^/?#@\s:]*:[^/?#@\s]+@",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex PasswordInValue();
}
