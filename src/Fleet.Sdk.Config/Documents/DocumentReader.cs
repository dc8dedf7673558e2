using System.Text;

namespace Fleet.Sdk.Config;

/// <summary>Reads a YAML or JSON file into a tree, turning every I/O or syntax failure into a located error.</summary>
internal static class DocumentReader
{
    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The largest file read, in bytes: a topology of thousands of agents is a few MiB.</summary>
    public const int MaxFileBytes = 16 * 1024 * 1024;

    /// <summary>The most values (scalars, mappings, sequences) one file may hold, aliases not counted: bounds the memory a file takes.</summary>
    public const long MaxValuesPerFile = 2_000_000;

    /// <summary>Reads <paramref name="path"/>; returns <see langword="null"/> and adds to <paramref name="errors"/> when it cannot.</summary>
    public static FleetValue? ReadFile(string path, List<FleetConfigurationError> errors)
    {
        var bytes = ReadBounded(path, errors);
        return bytes is null ? null : ReadBytes(path, bytes, errors);
    }

    /// <summary>
    /// Reads a whole configuration file of at most <see cref="MaxFileBytes"/>. Only regular files are
    /// opened: a FIFO would block the reader, and a device such as <c>/dev/zero</c> never ends.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="errors">Where a failure is added.</param>
    /// <param name="allowEmpty">An empty file is read as no bytes (a .env file may be empty) instead of refused.</param>
    /// <returns>The bytes, or <see langword="null"/> when the file cannot be read.</returns>
    public static byte[]? ReadBounded(string path, List<FleetConfigurationError> errors, bool allowEmpty = false)
    {
        try
        {
            if (Directory.Exists(path))
            {
                errors.Add(FleetConfigurationErrors.IsDirectory(path));
                return null;
            }

            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                info = info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info;
            }

            if (!info.Exists)
            {
                errors.Add(FleetConfigurationErrors.FileNotFound(path));
                return null;
            }

            // A FIFO, socket or device reports no size (and opening a FIFO blocks until a writer
            // comes); a regular file of no size is empty either way, so nothing is lost by not opening it.
            if (info.Length == 0 && allowEmpty)
            {
                return [];
            }

            if (info.Length == 0)
            {
                errors.Add(FleetConfigurationErrors.EmptyOrNotRegular(path));
                return null;
            }

            if (info.Length > MaxFileBytes)
            {
                errors.Add(FleetConfigurationErrors.TooLarge(path, MaxFileBytes));
                return null;
            }

            // Bounded even if the file grows while it is read.
            using var stream = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
            using var content = new MemoryStream((int)info.Length);
            var chunk = new byte[64 * 1024];
            int read;
            while ((read = stream.Read(chunk)) > 0)
            {
                if (content.Length + read > MaxFileBytes)
                {
                    errors.Add(FleetConfigurationErrors.TooLarge(path, MaxFileBytes));
                    return null;
                }

                content.Write(chunk, 0, read);
            }

            return content.ToArray();
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
