using Fleet.Sdk.Security;

namespace Fleet.Cli.Messaging;

/// <summary>Certificate files named on the command line: checked, with messages naming the option and the fix.</summary>
internal static class CertificateFiles
{
    /// <summary>Splits a secret certificate path into the directory and the certificate name Security expects.</summary>
    public static (string Directory, string Name) SplitSecret(FileInfo file, string option)
    {
        foreach (var suffix in new[] { ".key_secret", "_secret" })
        {
            if (file.Name.EndsWith(suffix, StringComparison.Ordinal) && file.Name.Length > suffix.Length)
            {
                return (file.DirectoryName!, file.Name[..^suffix.Length]);
            }
        }

        throw new CliException($"{option} {file.FullName}: expected a secret certificate file named NAME.key_secret (pyzmq) or NAME_secret (czmq). Make one with 'fleet keys generate NAME --out DIR'.");
    }

    /// <summary>Loads a public certificate (NAME.key).</summary>
    public static CurvePublicKey LoadPublicKey(FileInfo file, string option)
    {
        if (!file.Exists)
        {
            throw new CliException($"{option} {file.FullName}: no such file. Copy the server's public certificate (NAME.key) here.");
        }

        return CurveCertificate.Load(file.FullName).PublicKey;
    }
}
