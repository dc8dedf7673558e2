namespace Fleet.Sdk.IntegrationTests;

/// <summary>Where node and the npm Toxiproxy client installed by ./eng/build.sh prereqs are.</summary>
internal static class NodeClient
{
    public static string Directory { get; } = Path.Combine(RepoRoot(), "tests", "Fleet.Sdk.IntegrationTests", "node");

    public static string? Node =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/bin", "/usr/local/bin"])
            .Select(dir => Path.Combine(dir, "node"))
            .FirstOrDefault(File.Exists);

    public static bool Installed => File.Exists(Path.Combine(Directory, "node_modules", "toxiproxy-node-client", "package.json"));

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Fleet.Sdk.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"Fleet.Sdk.sln not found above {AppContext.BaseDirectory}.");
    }
}

/// <summary>A fact that needs node and the npm toxiproxy-node-client; skipped, saying how to install them, without.</summary>
internal sealed class RequiresNodeClientFactAttribute : FactAttribute
{
    public RequiresNodeClientFactAttribute()
    {
        if (NodeClient.Node is null)
        {
            Skip = "node is not installed: run ./eng/build.sh prereqs (or apt-get install nodejs npm).";
        }
        else if (!NodeClient.Installed)
        {
            Skip = $"the npm toxiproxy-node-client is not installed: run ./eng/build.sh prereqs (or npm ci in {NodeClient.Directory}).";
        }
    }
}
