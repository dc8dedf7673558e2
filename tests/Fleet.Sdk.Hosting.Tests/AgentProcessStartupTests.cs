using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace Fleet.Sdk.Hosting.Tests;

/// <summary>The sample ModelAgent as a real process: how a configuration error ends it (issue 15 item 4).</summary>
public sealed class AgentProcessStartupTests
{
    private static readonly string ModelAgent = typeof(AgentProcessStartupTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ModelAgent").Value!;

    private const string BrokenTopology = """
        version: 1
        machines:
          mainpc: { host: 127.0.0.1 }
        agents:
          ModelAgent: { machine: mainpc, port: "${MODEL_PORT_NOT_SET}" }
        """;

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(TempDirectory temp)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = temp.Path,
        };
        info.ArgumentList.Add(ModelAgent);
        info.ArgumentList.Add("--Fleet:Agent:Name=ModelAgent");
        info.Environment["FLEET_CONFIG_DIR"] = temp.Combine("config");
        info.Environment["FLEET_LOGS_DIR"] = temp.Combine("logs");
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task RunFleetAgentAsync_TopologyWithError_ExitsWithConfigurationCodeLoggingFileAndLine()
    {
        using var temp = new TempDirectory();
        var topology = temp.WriteFile("config/fleet.yaml", BrokenTopology);
        var located = $"{topology}:5:";

        var (exitCode, output, error) = await RunAsync(temp);

        Assert.True(exitCode == FleetAgentExitCodes.InvalidConfiguration, $"exit code {exitCode}\nstdout:\n{output}\nstderr:\n{error}");
        Assert.Contains($"The agent could not start (exit code {FleetAgentExitCodes.InvalidConfiguration})", error, StringComparison.Ordinal);
        Assert.Contains(located, error, StringComparison.Ordinal);
        Assert.Contains("MODEL_PORT_NOT_SET", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", error, StringComparison.Ordinal);

        // The console log (JSON outside Development) and the log file both hold the start-up failure with its location.
        Assert.Contains(JsonLines(output), line => line.Contains(located, StringComparison.Ordinal));
        var files = Directory.Exists(temp.Combine("logs")) ? Directory.GetFiles(temp.Combine("logs"), "*", SearchOption.AllDirectories) : [];
        Assert.Contains(files.SelectMany(f => JsonLines(File.ReadAllText(f))), line => line.Contains(located, StringComparison.Ordinal));
    }

    /// <summary>The lines that are JSON objects, as the text of their string values (so escaped paths compare as written).</summary>
    private static IEnumerable<string> JsonLines(string text)
    {
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith('{'))
            {
                continue;
            }

            using var json = JsonDocument.Parse(line);
            yield return string.Join('\n', Strings(json.RootElement));
        }
    }

    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)).ToList(),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings).ToList(),
        _ => [],
    };
}
