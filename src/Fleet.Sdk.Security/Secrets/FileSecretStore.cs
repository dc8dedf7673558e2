using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Security;

/// <summary>The file-backed <see cref="ISecretStore"/>.</summary>
internal sealed class FileSecretStore(IOptions<FleetSecurityOptions> options, ISecretRegistry registry) : ISecretStore
{
    public string GetSecret(string name) =>
        TryGetSecret(name, out var value) ? value : throw SecurityErrors.SecretNotFound(name, Candidates(name));

    public bool TryGetSecret(string name, [NotNullWhen(true)] out string? value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        value = null;
        var path = Candidates(name).FirstOrDefault(File.Exists);
        if (path is null)
        {
            return false;
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw SecurityErrors.SecretUnreadable(name, path, ex);
        }

        text = text.TrimEnd('\r', '\n');
        if (text.Length == 0)
        {
            throw SecurityErrors.SecretEmpty(name, path);
        }

        registry.Register(name, text);
        value = text;
        return true;
    }

    private IEnumerable<string> Candidates(string name)
    {
        var configured = options.Value.Secrets;
        if (configured.TryGetValue(name, out var explicitPath) && !string.IsNullOrWhiteSpace(explicitPath))
        {
            yield return explicitPath;
        }

        if (!string.IsNullOrWhiteSpace(options.Value.SecretsDirectory))
        {
            yield return Path.Combine(options.Value.SecretsDirectory, name);
        }
    }
}
