using System.Text;

namespace Fleet.Sdk.Config;

/// <summary>Reads a YAML or JSON file into a tree, turning every I/O or syntax failure into a located error.</summary>
internal static class DocumentReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads <paramref name="path"/>; returns <see langword="null"/> and adds to <paramref name="errors"/> when it cannot.</summary>
    public static FleetValue? ReadFile(string path, List<FleetConfigurationError> errors)
    {
        byte[] bytes;
        try
        {
            if (Directory.Exists(path))
            {
                errors.Add(FleetConfigurationErrors.IsDirectory(path));
                return null;
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            errors.Add(FleetConfigurationErrors.FileNotFound(path));
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            errors.Add(FleetConfigurationErrors.Unreadable(path, ex));
            return null;
        }

        return ReadBytes(path, bytes, errors);
    }

    /// <summary>Reads a document from memory; <paramref name="path"/> names it in locations and picks the format.</summary>
    public static FleetValue? ReadBytes(string path, byte[] bytes, List<FleetConfigurationError> errors)
    {
        var start = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException)
        {
            errors.Add(FleetConfigurationErrors.NotUtf8(path));
            return null;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(FleetConfigurationErrors.Empty(path));
            return null;
        }

        return IsJson(path, text)
            ? JsonTreeReader.Read(path, bytes[start..], errors)
            : YamlTreeReader.Read(new SourceText(path, text), errors);
    }

    private static bool IsJson(string path, string text)
    {
        var extension = Path.GetExtension(path);
        if (extension.Equals(".json", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (extension.Equals(".yaml", StringComparison.OrdinalIgnoreCase) || extension.Equals(".yml", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return text.AsSpan().TrimStart().StartsWith("{", StringComparison.Ordinal);
    }
}
