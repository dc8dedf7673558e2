using System.Globalization;

namespace Fleet.Sdk.IntegrationTests.Resilience;

/// <summary>
/// The figures the partition suite measures, appended as table rows to
/// <c>artifacts/test-results/resilience.md</c> (docs/resilience.md quotes a run of it) and written
/// to the test output.
/// </summary>
internal static class ResilienceReport
{
    private static readonly Lock Gate = new();

    public static void Record(Xunit.Abstractions.ITestOutputHelper output, string scenario, string figure, double value, string unit)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"| {scenario} | {figure} | {value:0.#} {unit} |");
        output.WriteLine(line);
        lock (Gate)
        {
            var path = ReportPath();
            if (!File.Exists(path))
            {
                File.WriteAllText(path, $"# Partition suite figures ({DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores)\n\n| scenario | figure | value |\n|---|---|---|\n");
            }

            File.AppendAllText(path, line + "\n");
        }
    }

    private static string ReportPath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Fleet.Sdk.sln")))
            {
                var results = Directory.CreateDirectory(Path.Combine(directory.FullName, "artifacts", "test-results"));
                return Path.Combine(results.FullName, "resilience.md");
            }
        }

        return Path.Combine(Path.GetTempPath(), "fleet-resilience.md");
    }
}
