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
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(path);
        const UnixFileMode Exposed = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        if ((mode & Exposed) != 0)
        {
            throw SecurityErrors.SecretFileExposed(path, mode);
        }
    }

    /// <summary>Names the command-line arguments that carry a secret, never their values.</summary>
    public static IEnumerable<string> SecretArguments(IReadOnlyList<string> args, ISecretRegistry registry)
    {
        var secrets = registry.Secrets;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = (equals >= 0 ? arg[..equals] : arg).TrimStart('-', '/');
            var hasValue = equals >= 0 || (i + 1 < args.Count && !args[i + 1].StartsWith('-'));
            var looksNamed = arg.StartsWith('-') || arg.StartsWith('/') || equals > 0;

            if (looksNamed && hasValue && SecretName().IsMatch(name) && !NotASecretName().IsMatch(name))
            {
                yield return equals >= 0 ? arg[..equals] : arg;
            }
            else if (secrets.Any(s => s.Value.Length >= 4 && arg.Contains(s.Value, StringComparison.Ordinal)))
            {
                yield return $"argument {i} ({secrets.First(s => arg.Contains(s.Value, StringComparison.Ordinal)).Name})";
            }
        }
    }

    [GeneratedRegex(@"(password|passwd|passphrase|secret|token|credential|api[-_]?key|private[-_]?key)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();

    // Paths and names of secrets are not secrets: --password-file, Fleet:Security:SecretsDirectory, --token-path.
    [GeneratedRegex(@"(file|path|dir|directory|name|names)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NotASecretName();
}
