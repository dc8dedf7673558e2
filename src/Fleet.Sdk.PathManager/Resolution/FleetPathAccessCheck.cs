namespace Fleet.Sdk.PathManager;

/// <summary>Creates missing writable locations and proves that each one accepts a file.</summary>
internal static class FleetPathAccessCheck
{
    public static IReadOnlyList<string> Check(IEnumerable<FleetPathInfo> locations, bool createDirectories)
    {
        var problems = new List<string>();
        foreach (var location in locations.Where(l => l.Writable))
        {
            var problem = CheckOne(location.Path, createDirectories);
            if (problem is not null)
            {
                problems.Add(
                    $"Location '{location.Name}' is '{location.Path}' ({location.SourceName}) and must be writable, but it {problem} " +
                    $"Set {FleetPathsConstants.ConfigurationKey(location.Name)} or {FleetPathsConstants.EnvironmentName(location.Name)} " +
                    "to a writable directory, or mount a writable volume there.");
            }
        }

        return problems;
    }

    private static string? CheckOne(string path, bool createDirectories)
    {
        if (File.Exists(path))
        {
            return "is a file, not a directory.";
        }

        if (!Directory.Exists(path))
        {
            if (!createDirectories)
            {
                return "does not exist (FleetPathsOptions.CreateDirectories is off).";
            }

            try
            {
                Directory.CreateDirectory(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return $"cannot be created: {ex.Message}";
            }
        }

        var probe = Path.Combine(path, $".fleet-write-probe-{Guid.NewGuid():N}");
        try
        {
            using var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            stream.WriteByte(0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"is not writable: {ex.Message}";
        }

        return null;
    }
}
