using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Fleet.Sdk.Templates.Tests;

/// <summary>
/// The template as a user gets it: the packed nupkg installed into a private hive
/// (<c>--debug:custom-hive</c>, nothing touches the machine's templates), <c>dotnet new fleet-agent</c>,
/// built against the locally packed Fleet.Sdk packages, run, called, stopped.
/// </summary>
public sealed class FleetAgentTemplateTests
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);

    [TemplatePackagesFact]
    public async Task FleetAgent_InstalledCreatedBuiltTestedAndRun_AnswersHealthAndStopsCleanlyOnSigterm()
    {
        using var temp = new TempDirectory();
        var packages = TemplatePackages.Directory!;
        var hive = temp.Combine("hive");
        var project = temp.Combine("MyAgent");

        await RunAsync(temp.Path, "new", "install", TemplatePackages.Template!, "--debug:custom-hive", hive);
        await RunAsync(temp.Path, "new", "fleet-agent", "-n", "MyAgent", "-o", project, "--debug:custom-hive", hive);
        File.WriteAllText(Path.Combine(project, "nuget.config"), NuGetConfig(packages, temp.Combine("packages")));
        await RunAsync(project, "build", "src/MyAgent", "-c", "Release", "-nologo", "-clp:NoSummary");
        await RunAsync(project, "test", "tests/MyAgent.Tests", "-c", "Release", "-nologo");

        var csproj = File.ReadAllText(Path.Combine(project, "src", "MyAgent", "MyAgent.csproj"));
        Assert.Contains($"Include=\"Fleet.Sdk.Hosting\" Version=\"{TemplatePackages.Version}\"", csproj, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(project, "Dockerfile")));
        Assert.True(File.Exists(Path.Combine(project, "tests", "MyAgent.Tests", "MyAgent.Tests.csproj")));

        var port = FreePort();
        var healthPort = FreePort();
        var output = Path.Combine(project, "src", "MyAgent", "bin", "Release", "net10.0");
        var info = new ProcessStartInfo("dotnet", ["MyAgent.dll"])
        {
            WorkingDirectory = output,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["AGENT_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        info.Environment["AGENT_HEALTH_PORT"] = healthPort.ToString(CultureInfo.InvariantCulture);
        using var agent = Process.Start(info)!;
        var log = new System.Text.StringBuilder();
        agent.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        agent.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        agent.BeginOutputReadLine();
        agent.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            string? health = null;
            var ready = await Poll.UntilAsync(async () =>
            {
                try
                {
                    health = await http.GetStringAsync(new Uri($"http://127.0.0.1:{healthPort}/health"));
                    return true;
                }
                catch (HttpRequestException)
                {
                    return agent.HasExited;
                }
            }, TimeSpan.FromSeconds(60));
            Assert.True(ready && !agent.HasExited, $"the agent did not answer /health:\n{log}");

            var (exitCode, reply, error) = await PyZmq.RunAsync(PyZmqAgents.ReqCaller, TimeSpan.FromSeconds(30), "-", "client", $"tcp://127.0.0.1:{port}", """{"action": "health_check"}""");
            Assert.True(exitCode == 0, error);
            using var zmqHealth = JsonDocument.Parse(reply);
            Assert.Equal("ok", zmqHealth.RootElement.GetProperty("status").GetString());
            Assert.Equal("MyAgent", zmqHealth.RootElement.GetProperty("agent").GetString());
            using var httpHealth = JsonDocument.Parse(health!);
            Assert.Equal("ok", httpHealth.RootElement.GetProperty("status").GetString());

            using (var kill = Process.Start("kill", ["-TERM", agent.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await agent.WaitForExitAsync(exit.Token);
            Assert.True(agent.ExitCode == 0, $"exit code {agent.ExitCode}:\n{log}");
        }
        finally
        {
            if (!agent.HasExited)
            {
                agent.Kill(entireProcessTree: true);
            }
        }
    }

    private static string NuGetConfig(string feed, string packagesFolder)
    {
        // A private packages folder, so that a re-packed 0.1.0 is never served from an older cache;
        // the machine's folder is a fallback for everything else (no download needed).
        var machine = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{packagesFolder}" />
              </config>
              <packageSources>
                <add key="fleet-local" value="{feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine" value="{machine}" />
              </fallbackPackageFolders>
            </configuration>
            """;
    }

    private static async Task RunAsync(string directory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet", args)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', args)} exited with {process.ExitCode}:\n{await output}\n{await error}");
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}

/// <summary>Finds the packed template and packages in artifacts/packages.</summary>
internal static class TemplatePackages
{
    public static readonly string? Directory = Find();

    public static string? Template => Directory is null ? null : System.IO.Directory.GetFiles(Directory, "Fleet.Sdk.Templates.*.nupkg").OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();

    public static string? Version => Template is null ? null : Path.GetFileNameWithoutExtension(Template)["Fleet.Sdk.Templates.".Length..];

    private static string? Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Fleet.Sdk.sln")))
            {
                var packages = Path.Combine(directory.FullName, "artifacts", "packages");
                return System.IO.Directory.Exists(packages) &&
                    System.IO.Directory.GetFiles(packages, "Fleet.Sdk.Templates.*.nupkg").Length > 0 &&
                    System.IO.Directory.GetFiles(packages, "Fleet.Sdk.Hosting.*.nupkg").Length > 0
                    ? packages
                    : null;
            }
        }

        return null;
    }
}

/// <summary>Needs the packed packages and pyzmq; skipped, saying what to run, when either is missing.</summary>
internal sealed class TemplatePackagesFactAttribute : FactAttribute
{
    public TemplatePackagesFactAttribute()
    {
        if (TemplatePackages.Directory is null)
        {
            Skip = "artifacts/packages has no Fleet.Sdk.Templates and Fleet.Sdk.Hosting packages: run ./eng/build.sh pack (./eng/build.sh test packs before it tests).";
        }
        else if (PyZmq.Python is null)
        {
            Skip = PyZmq.SkipReason;
        }
    }
}
