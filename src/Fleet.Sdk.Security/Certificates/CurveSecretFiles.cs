namespace Fleet.Sdk.Security;

/// <summary>
/// Secret certificate files (pyzmq's <c>name.key_secret</c>, czmq's <c>name_secret</c>) and the
/// rule every CURVE socket applies to them: no access for the group or other users. pyzmq's
/// <c>zmq.auth.create_certificates</c> writes them with mode 0644, which this rule refuses.
/// </summary>
public static class CurveSecretFiles
{
    private const UnixFileMode Exposing = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    /// <summary>Whether <paramref name="fileName"/> names a secret certificate file (<c>*.key_secret</c> or <c>*_secret</c>).</summary>
    /// <param name="fileName">A file name, without its directory.</param>
    /// <returns><see langword="true"/> for a secret certificate file name.</returns>
    public static bool IsSecretFileName(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        return fileName.EndsWith(".key_secret", StringComparison.Ordinal) || fileName.EndsWith("_secret", StringComparison.Ordinal);
    }

    /// <summary>Whether the file at <paramref name="path"/> can be read or written by its group or other users (never on Windows).</summary>
    /// <param name="path">The file.</param>
    /// <param name="mode">Its Unix file mode (0 on Windows).</param>
    /// <returns><see langword="true"/> when a CURVE socket would refuse the file as a secret certificate.</returns>
    public static bool IsExposed(string path, out UnixFileMode mode)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (OperatingSystem.IsWindows())
        {
            mode = UnixFileMode.None;
            return false;
        }

        mode = File.GetUnixFileMode(path);
        return (mode & Exposing) != 0;
    }

    /// <summary>The secret certificate files in <paramref name="directory"/> (not its subdirectories) that are exposed, ordered by name.</summary>
    /// <param name="directory">A certificate directory.</param>
    /// <returns>Each exposed file with its mode.</returns>
    public static IReadOnlyList<(string Path, UnixFileMode Mode)> FindExposed(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var exposed = new List<(string, UnixFileMode)>();
        foreach (var file in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            if (IsSecretFileName(Path.GetFileName(file)) && IsExposed(file, out var mode))
            {
                exposed.Add((file, mode));
            }
        }

        return exposed;
    }
}
