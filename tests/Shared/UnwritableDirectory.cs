namespace Fleet.Sdk.Tests;

/// <summary>
/// Finds a directory this process cannot write to. As root, permission bits do not stop writes,
/// so the kernel's read-only /sys is used; as another user, a chmod 0555 directory.
/// </summary>
internal static class UnwritableDirectory
{
    private static readonly Lazy<string?> Existing = new(Find);

    public static string? Path => Existing.Value;

    public const string SkipReason =
        "No directory unwritable by this process was found (as root, /sys must be mounted read-only as on Linux hosts).";

    private static string? Find()
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        if (Environment.UserName != "root")
        {
            var dir = Directory.CreateTempSubdirectory("fleet-readonly-").FullName;
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
            return IsUnwritable(dir) ? dir : null;
        }

        return Directory.Exists("/sys") && IsUnwritable("/sys") ? "/sys" : null;
    }

    private static bool IsUnwritable(string dir)
    {
        try
        {
            using var probe = new FileStream(System.IO.Path.Combine(dir, $".probe-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }
}

/// <summary>A fact that needs a directory this process cannot write to; skipped, saying why, where there is none.</summary>
internal sealed class UnwritableDirectoryFactAttribute : FactAttribute
{
    public UnwritableDirectoryFactAttribute()
    {
        if (UnwritableDirectory.Path is null)
        {
            Skip = UnwritableDirectory.SkipReason;
        }
    }
}
