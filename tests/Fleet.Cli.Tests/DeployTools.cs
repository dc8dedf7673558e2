using System.Diagnostics;
using Fleet.Sdk.Tests;

namespace Fleet.Cli.Tests;

/// <summary>
/// The real tools that check a render: Debian's docker-compose (<c>config -q</c>, no daemon needed) and
/// <c>systemd-analyze verify</c>. A check passes only when the tool exits 0 and prints nothing on
/// standard error: systemd-analyze reports many unit mistakes (a bad Restart= value...) as warnings with exit 0.
/// </summary>
internal static class DeployTools
{
    public const string ComposeHint = "docker-compose is not installed: run ./eng/build.sh prereqs (or apt-get install docker-compose).";
    public const string SystemdHint = "systemd-analyze is not installed: run ./eng/build.sh prereqs (or apt-get install systemd).";

    public static string? Find(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Concat(["/usr/bin", "/usr/sbin", "/bin"])
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string workingDirectory, string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(Find(tool) ?? tool)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Runs <c>docker-compose config -q</c> in the render's directory (so its .env is read too).</summary>
    public static async Task AssertComposeValidAsync(string directory)
    {
        var (exitCode, _, error) = await RunAsync(directory, "docker-compose", "-f", "compose.yaml", "config", "-q");
        Assert.True(exitCode == 0 && error.Trim().Length == 0, $"docker-compose config -q refused {directory}/compose.yaml (exit {exitCode}): {error}");
    }

    /// <summary>Runs <c>systemd-analyze verify</c> on every unit of the render; any complaint fails.</summary>
    public static async Task AssertUnitsValidAsync(string directory)
    {
        var units = Directory.GetFiles(directory, "*.service").Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(units);
        foreach (var unit in units)
        {
            var (exitCode, _, error) = await RunAsync(directory, "systemd-analyze", "verify", "--man=no", unit);
            Assert.True(exitCode == 0 && error.Trim().Length == 0, $"systemd-analyze verify refused {Path.GetFileName(unit)} (exit {exitCode}): {error}");
        }
    }

    /// <summary>
    /// Runs <c>nats-server -c FILE -t</c> (test the configuration and exit) on a rendered nats.conf, laid out as the
    /// container sees it under <paramref name="root"/>: the configuration at etc/fleet/nats.conf (its include of the
    /// password is relative), the secrets in run/secrets (absolute TLS paths moved under the root).
    /// </summary>
    public static async Task<(int ExitCode, string Output)> TestNatsConfigAsync(string configuration, string root)
    {
        var path = Path.Combine(root, "etc", "fleet", "nats.conf");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, configuration.Replace("\"/run/secrets/", $"\"{root}/run/secrets/", StringComparison.Ordinal)
            .Replace("store_dir: \"/data\"", $"store_dir: \"{root}/data\"", StringComparison.Ordinal));
        var (exitCode, output, error) = await RunAsync(root, "nats-server", "-c", path, "-t");
        return (exitCode, output + error);
    }

    /// <summary>Writes the secret files an operator provides to coordination servers: a throwaway CA, a server certificate for 127.0.0.1 signed by it, and a password include.</summary>
    public static async Task WriteCoordinationSecretsAsync(string directory, string passwordInclude)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, passwordInclude), "password: \"test-only-password\"\n");
        File.WriteAllText(Path.Combine(directory, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
        foreach (var arguments in new[]
        {
            new[] { "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=fleet-test-ca", "-keyout", "ca.key", "-out", "fleet-ca.crt" },
            ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=fleet-coordination", "-keyout", "fleet-coordination.key", "-out", "server.csr"],
            ["x509", "-req", "-days", "1", "-in", "server.csr", "-CA", "fleet-ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-extfile", "san.ext", "-out", "fleet-coordination.crt"],
        })
        {
            var (exitCode, _, error) = await RunAsync(directory, "openssl", arguments);
            Assert.True(exitCode == 0, $"openssl {string.Join(' ', arguments)} failed (exit {exitCode}): {error}");
        }
    }

    /// <summary>
    /// Starts the real redis-server (or redis-sentinel with <paramref name="sentinel"/>) with a rendered configuration,
    /// its TLS port moved to a free one and its secret paths under <paramref name="root"/>, and returns what an
    /// unauthenticated PING over TLS gets once it answers.
    /// </summary>
    public static async Task<string> PingUnauthenticatedAsync(string configuration, string root, bool sentinel, int renderedPort, int port)
    {
        var secrets = Path.Combine(root, "run", "secrets");
        var data = Directory.CreateDirectory(Path.Combine(root, sentinel ? "sentinel-data" : "data")).FullName;
        var path = Path.Combine(root, sentinel ? "sentinel.conf" : "redis.conf");
        File.WriteAllText(path, configuration.Replace(" /run/secrets/", $" {secrets}/", StringComparison.Ordinal)
            .Replace("bind 0.0.0.0", "bind 127.0.0.1", StringComparison.Ordinal)
            .Replace($"tls-port {renderedPort}\n", $"tls-port {port}\n", StringComparison.Ordinal)
            .Replace("dir /data", $"dir {data}", StringComparison.Ordinal));
        var start = new ProcessStartInfo(Find("redis-server") ?? "redis-server") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = data };
        start.ArgumentList.Add(path);
        if (sentinel)
        {
            start.ArgumentList.Add("--sentinel");
        }

        using var server = Process.Start(start)!;
        var log = server.StandardOutput.ReadToEndAsync();
        try
        {
            var reply = string.Empty;
            var answered = await Poll.UntilAsync(async () =>
            {
                var (_, output, error) = await RunAsync(root, "redis-cli", "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--tls",
                    "--cacert", Path.Combine(secrets, "fleet-ca.crt"), "--cert", Path.Combine(secrets, "fleet-coordination.crt"), "--key", Path.Combine(secrets, "fleet-coordination.key"), "ping");
                reply = (output + error).Trim();
                return server.HasExited || reply.Contains("NOAUTH", StringComparison.Ordinal) || reply.Contains("PONG", StringComparison.Ordinal);
            }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
            Assert.True(answered && !server.HasExited, $"redis-server {path} did not answer (exited: {server.HasExited}); last reply: {reply}");
            return reply;
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
            }

            await server.WaitForExitAsync();
            _ = await log;
        }
    }

    /// <summary>Creates the executables the units start under <paramref name="installDirectory"/>, as installing the agents would.</summary>
    public static void InstallStandIns(string directory, string installDirectory)
    {
        foreach (var unit in Directory.GetFiles(directory, "*.service"))
        {
            var exec = File.ReadAllLines(unit).Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal))["ExecStart=".Length..].Split(' ')[0];
            if (exec.StartsWith(installDirectory, StringComparison.Ordinal) && !File.Exists(exec))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(exec)!);
                File.WriteAllText(exec, "#!/bin/sh\nexit 0\n");
                File.SetUnixFileMode(exec, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
    }
}

/// <summary>A fact that needs docker-compose; skipped, saying what to install, without it.</summary>
internal sealed class RequiresDockerComposeFactAttribute : FactAttribute
{
    public RequiresDockerComposeFactAttribute()
    {
        if (DeployTools.Find("docker-compose") is null)
        {
            Skip = DeployTools.ComposeHint;
        }
    }
}

/// <summary>A fact that needs systemd-analyze; skipped, saying what to install, without it.</summary>
internal sealed class RequiresSystemdAnalyzeFactAttribute : FactAttribute
{
    public RequiresSystemdAnalyzeFactAttribute()
    {
        if (DeployTools.Find("systemd-analyze") is null)
        {
            Skip = DeployTools.SystemdHint;
        }
    }
}

/// <summary>A fact that needs nats-server and openssl; skipped, saying what to install, without them.</summary>
internal sealed class RequiresNatsServerFactAttribute : FactAttribute
{
    public RequiresNatsServerFactAttribute()
    {
        if (DeployTools.Find("nats-server") is null || DeployTools.Find("openssl") is null)
        {
            Skip = "nats-server or openssl is not installed: run ./eng/build.sh prereqs (or apt-get install nats-server openssl).";
        }
    }
}

/// <summary>A fact that needs redis-server, redis-cli, openssl and docker-compose; skipped, saying what to install, without them.</summary>
internal sealed class RequiresRedisServerFactAttribute : FactAttribute
{
    public RequiresRedisServerFactAttribute()
    {
        if (new[] { "redis-server", "redis-cli", "openssl", "docker-compose" }.Any(t => DeployTools.Find(t) is null))
        {
            Skip = "redis-server, redis-cli, openssl or docker-compose is not installed: run ./eng/build.sh prereqs (or apt-get install redis-server openssl docker-compose).";
        }
    }
}

/// <summary>A fact that needs a Docker engine that can build and run images; skipped, saying why, without one.</summary>
internal sealed class RequiresDockerEngineFactAttribute : FactAttribute
{
    public RequiresDockerEngineFactAttribute()
    {
        if (DeployTools.Find("docker") is null || !File.Exists("/var/run/docker.sock"))
        {
            Skip = "no Docker engine here (no docker CLI or /var/run/docker.sock; this machine has no image registry either, see PACKAGES.md): " +
                   "building the agent image and starting the rendered compose file runs where an engine exists.";
        }
    }
}
