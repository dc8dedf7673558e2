using System.Globalization;
using System.Text;

namespace Fleet.Sdk.Security;

/// <summary>
/// Reads and writes the ZPL (rfc.zeromq.org/spec:4) subset that certificate files use: comment
/// lines, a <c>metadata</c> section and a <c>curve</c> section of <c>name = "value"</c> lines.
/// </summary>
internal static class ZplCertificateText
{
    public static (string? PublicKey, string? SecretKey, Dictionary<string, string> Metadata) Parse(string text, string path)
    {
        string? section = null;
        string? publicKey = null;
        string? secretKey = null;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineNumber = 0;

        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            var indented = line.Length > 0 && (line[0] == ' ' || line[0] == '\t');
            if (!indented)
            {
                section = trimmed;
                continue;
            }

            var equals = trimmed.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw SecurityErrors.CertificateSyntax(path, lineNumber, "expected 'name = \"value\"'");
            }

            var name = trimmed[..equals].Trim();
            var value = Unquote(trimmed[(equals + 1)..].Trim());
            switch (section)
            {
                case "curve" when name == "public-key":
                    publicKey = value;
                    break;
                case "curve" when name == "secret-key":
                    secretKey = value;
                    break;
                case "metadata":
                    metadata[name] = value;
                    break;
                default:
                    // Other sections and names are kept out of the model but tolerated, as czmq and pyzmq do.
                    break;
            }
        }

        return (publicKey, secretKey, metadata);
    }

    public static string Write(CurveCertificate certificate, bool includeSecret, CurveCertificateFormat format, DateTimeOffset now)
    {
        var generated = now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $"#   ****  Generated on {generated} by Fleet.Sdk  ****\n");
        if (includeSecret)
        {
            builder.Append("#   ZeroMQ CURVE **Secret** Certificate\n");
            builder.Append("#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.\n");
        }
        else
        {
            builder.Append("#   ZeroMQ CURVE Public Certificate\n");
            builder.Append("#   Exchange securely, or use a secure mechanism to verify the contents\n");
            builder.Append("#   of this file after exchange. Store public certificates in your home\n");
            builder.Append("#   directory, in the .curve subdirectory.\n");
        }

        builder.Append('\n');
        builder.Append("metadata\n");
        foreach (var (name, value) in certificate.Metadata)
        {
            // czmq's zconfig quotes values; pyzmq writes them bare. Both readers accept either.
            var shown = format == CurveCertificateFormat.Czmq ? $"\"{value}\"" : value;
            builder.Append(CultureInfo.InvariantCulture, $"    {name} = {shown}\n");
        }

        builder.Append("curve\n");
        builder.Append(CultureInfo.InvariantCulture, $"    public-key = \"{certificate.PublicKey.ToZ85()}\"\n");
        if (includeSecret && certificate.SecretKey is not null)
        {
            builder.Append(CultureInfo.InvariantCulture, $"    secret-key = \"{certificate.SecretKey.ToZ85()}\"\n");
        }

        return builder.ToString();
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0] ? value[1..^1] : value;
}
