using System.Text;

namespace Fleet.Sdk.Security;

/// <summary>
/// A CURVE certificate: a public key, optionally its secret key, and metadata. Reads and writes
/// the files of pyzmq (<c>name.key</c>, <c>name.key_secret</c>) and czmq (<c>name</c>, <c>name_secret</c>).
/// </summary>
public sealed class CurveCertificate
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PublicMode = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Creates a certificate.</summary>
    /// <param name="publicKey">The public key.</param>
    /// <param name="secretKey">The secret key, or <see langword="null"/> for a public certificate.</param>
    /// <param name="metadata">Name/value metadata; names are letters, digits, '-', '_' and '.', values are one line without quotes.</param>
    /// <exception cref="ArgumentException">A metadata name or value cannot be written to a certificate file.</exception>
    public CurveCertificate(CurvePublicKey publicKey, CurveSecretKey? secretKey = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        PublicKey = publicKey;
        SecretKey = secretKey;
        var copy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in metadata ?? new Dictionary<string, string>())
        {
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                throw new ArgumentException($"Metadata name '{name}' is not valid: use letters, digits, '-', '_' and '.'.", nameof(metadata));
            }

            if (value.Any(c => c is '\n' or '\r' or '"' or '\''))
            {
                throw new ArgumentException($"Metadata value of '{name}' must be one line without quotes.", nameof(metadata));
            }

            copy[name] = value;
        }

        Metadata = copy;
    }

    /// <summary>Creates a certificate from a key pair.</summary>
    /// <param name="keyPair">The key pair.</param>
    /// <param name="metadata">Optional metadata.</param>
    public CurveCertificate(CurveKeyPair keyPair, IReadOnlyDictionary<string, string>? metadata = null)
        : this((keyPair ?? throw new ArgumentNullException(nameof(keyPair))).PublicKey, keyPair.SecretKey, metadata)
    {
    }

    /// <summary>Gets the public key.</summary>
    public CurvePublicKey PublicKey { get; }

    /// <summary>Gets the secret key, or <see langword="null"/> for a public certificate.</summary>
    public CurveSecretKey? SecretKey { get; }

    /// <summary>Gets the metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Gets the key pair of a secret certificate.</summary>
    /// <exception cref="InvalidOperationException">The certificate has no secret key.</exception>
    public CurveKeyPair KeyPair => SecretKey is null
        ? throw new InvalidOperationException("This is a public certificate; load the secret one (name.key_secret or name_secret) for a key pair.")
        : new CurveKeyPair(PublicKey, SecretKey);

    /// <summary>Reads a certificate file of either format.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The certificate, with its secret key when the file holds one.</returns>
    /// <exception cref="FleetSecurityException">The file is missing, unreadable or malformed; the message names the file and line.</exception>
    public static CurveCertificate Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw SecurityErrors.CertificateUnreadable(path, ex);
        }

        var (publicText, secretText, metadata) = ZplCertificateText.Parse(text, path);
        if (publicText is null)
        {
            throw SecurityErrors.CertificateInvalid(path, "it has no 'public-key' in a 'curve' section");
        }

        if (!CurvePublicKey.TryParse(publicText, out var publicKey, out var error))
        {
            throw SecurityErrors.CertificateInvalid(path, $"its public-key is not a CURVE key: {error}");
        }

        CurveSecretKey? secretKey = null;
        if (secretText is not null && !CurveSecretKey.TryParse(secretText, out secretKey, out error))
        {
            throw SecurityErrors.CertificateInvalid(path, $"its secret-key is not a CURVE key: {error}");
        }

        return new CurveCertificate(publicKey, secretKey, metadata);
    }

    /// <summary>Reads the secret certificate <paramref name="name"/> from <paramref name="directory"/>: <c>name.key_secret</c> (pyzmq) or <c>name_secret</c> (czmq).</summary>
    /// <param name="directory">The certificates directory.</param>
    /// <param name="name">The certificate name.</param>
    /// <returns>The certificate with its secret key.</returns>
    /// <exception cref="FleetSecurityException">Neither file exists, or the one found holds no secret key.</exception>
    public static CurveCertificate LoadSecret(string directory, string name)
    {
        var path = FindSecretFile(directory, name) ?? throw SecurityErrors.CertificateNotFound(directory, name, secret: true);
        var certificate = Load(path);
        return certificate.SecretKey is null ? throw SecurityErrors.CertificateInvalid(path, "it holds no 'secret-key'; this is a public certificate") : certificate;
    }

    /// <summary>Reads the public certificate <paramref name="name"/> from <paramref name="directory"/>: <c>name.key</c> (pyzmq) or <c>name</c> (czmq).</summary>
    /// <param name="directory">The certificates directory.</param>
    /// <param name="name">The certificate name.</param>
    /// <returns>The certificate (its secret key, if any, is dropped).</returns>
    /// <exception cref="FleetSecurityException">Neither file exists or it is malformed.</exception>
    public static CurveCertificate LoadPublic(string directory, string name)
    {
        var path = FindPublicFile(directory, name) ?? throw SecurityErrors.CertificateNotFound(directory, name, secret: false);
        var certificate = Load(path);
        return new CurveCertificate(certificate.PublicKey, null, certificate.Metadata);
    }

    /// <summary>Finds the secret certificate file of <paramref name="name"/>, in either format.</summary>
    /// <param name="directory">The certificates directory.</param>
    /// <param name="name">The certificate name.</param>
    /// <returns>The path, or <see langword="null"/> when there is none.</returns>
    public static string? FindSecretFile(string directory, string name) =>
        FirstExisting(Path.Combine(directory, name + ".key_secret"), Path.Combine(directory, name + "_secret"));

    /// <summary>Finds the public certificate file of <paramref name="name"/>, in either format.</summary>
    /// <param name="directory">The certificates directory.</param>
    /// <param name="name">The certificate name.</param>
    /// <returns>The path, or <see langword="null"/> when there is none.</returns>
    public static string? FindPublicFile(string directory, string name) =>
        FirstExisting(Path.Combine(directory, name + ".key"), Path.Combine(directory, name));

    /// <summary>
    /// Writes the public certificate and, when this certificate has a secret key, the secret one
    /// (readable by its owner only). Files are written to a temporary name and renamed, so a
    /// reader never sees half a certificate.
    /// </summary>
    /// <param name="directory">The directory, created when missing.</param>
    /// <param name="name">The certificate name, for example <c>mainpc-bridge</c>.</param>
    /// <param name="format">The file naming convention.</param>
    /// <param name="overwrite">Whether existing files may be replaced; by default they are not, so no key is lost.</param>
    /// <param name="timeProvider">The clock for the banner; the system clock by default.</param>
    /// <returns>The paths written.</returns>
    /// <exception cref="FleetSecurityException">A file exists and <paramref name="overwrite"/> is false, or writing failed.</exception>
    public CurveCertificateFiles Save(string directory, string name, CurveCertificateFormat format = CurveCertificateFormat.Pyzmq, bool overwrite = false, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(['/', '\\', '\0']) >= 0 || name is "." or "..")
        {
            throw new ArgumentException($"'{name}' is not a valid certificate name: use a plain file name such as 'mainpc-bridge'.", nameof(name));
        }

        var publicPath = Path.Combine(directory, format == CurveCertificateFormat.Pyzmq ? name + ".key" : name);
        var secretPath = SecretKey is null ? null : Path.Combine(directory, format == CurveCertificateFormat.Pyzmq ? name + ".key_secret" : name + "_secret");
        if (!overwrite)
        {
            foreach (var path in new[] { publicPath, secretPath }.OfType<string>().Where(File.Exists))
            {
                throw SecurityErrors.CertificateExists(path);
            }
        }

        var now = (timeProvider ?? TimeProvider.System).GetLocalNow();
        try
        {
            Directory.CreateDirectory(directory);
            WriteAtomically(publicPath, ZplCertificateText.Write(this, includeSecret: false, format, now), PublicMode);
            if (secretPath is not null)
            {
                WriteAtomically(secretPath, ZplCertificateText.Write(this, includeSecret: true, format, now), OwnerOnly);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw SecurityErrors.CertificateWriteFailed(directory, ex);
        }

        return new CurveCertificateFiles(publicPath, secretPath);
    }

    private static void WriteAtomically(string path, string contents, UnixFileMode mode)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            using (var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
            {
                writer.Write(contents);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static string? FirstExisting(params string[] candidates) => candidates.FirstOrDefault(File.Exists);
}
