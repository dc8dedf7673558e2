using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Fleet.Sdk.Testing.Tests;

/// <summary>A real redis-server per test: ready on start, killed, restarted with and without data, paused, cleaned up.</summary>
public sealed class RedisServerTests
{
    private static readonly TimeSpan Quick = TimeSpan.FromMilliseconds(500);

    [RequiresRedisServerFact]
    public async Task StartAsync_Default_AnswersPingOnItsConnectionString()
    {
        await using var redis = await RedisServer.StartAsync();

        Assert.Equal("+PONG", await CommandAsync(redis, "PING"));
        Assert.Equal($"{redis.Host}:{redis.Port}", redis.ConnectionString);
    }

    [RequiresLocalRedisServerFact]
    public async Task KillAsync_Running_RefusesConnections()
    {
        await using var redis = await RedisServer.StartAsync();

        await redis.KillAsync();

        Assert.False(redis.IsRunning);
        await Assert.ThrowsAnyAsync<SocketException>(() => CommandAsync(redis, "PING"));
    }

    [RequiresLocalRedisServerFact]
    public async Task RestartAsync_KeepData_KeysSurviveAKill()
    {
        await using var redis = await RedisServer.StartAsync();
        Assert.Equal("+OK", await CommandAsync(redis, "SET fleet kept"));
        await redis.KillAsync();

        await redis.RestartAsync(keepData: true);

        Assert.Equal("$4\r\nkept", await CommandAsync(redis, "GET fleet", lines: 2));
    }

    [RequiresLocalRedisServerFact]
    public async Task RestartAsync_DropData_ComesBackEmptyOnTheSamePort()
    {
        await using var redis = await RedisServer.StartAsync();
        var port = redis.Port;
        await CommandAsync(redis, "SET fleet gone");

        await redis.RestartAsync(keepData: false);

        Assert.Equal(port, redis.Port);
        Assert.Equal("$-1", await CommandAsync(redis, "GET fleet"));
    }

    [RequiresLocalRedisServerFact]
    public async Task PauseAsync_Running_HangsUntilResumed()
    {
        await using var redis = await RedisServer.StartAsync();
        using var socket = await Tcp.ConnectAsync(System.Net.IPEndPoint.Parse(redis.ConnectionString));

        await redis.PauseAsync();
        await Tcp.SendAsync(socket, "PING\r\n"u8.ToArray());
        Assert.Equal(ReadEnd.TimedOut, (await Tcp.ReadOnceAsync(socket, Quick)).End);

        await redis.ResumeAsync();
        Assert.Equal("+PONG\r\n"u8.ToArray(), await Tcp.ReadExactlyAsync(socket, 7));
    }

    [RequiresLocalRedisServerFact]
    public async Task DisposeAsync_Running_KillsTheProcessAndDeletesItsDirectory()
    {
        var redis = await RedisServer.StartAsync();
        var pid = redis.ProcessId!.Value;
        var directory = redis.DataDirectory!;

        await redis.DisposeAsync();

        Assert.False(Directory.Exists(directory));
        Assert.True(HasExited(pid), $"redis-server {pid} is still running after dispose");
    }

    [RequiresLocalRedisServerFact]
    public async Task StartAsync_FromAShortLivedThread_ServerOutlivesThatThread()
    {
        // PR_SET_PDEATHSIG fires when the forking thread exits: the launcher must not fork from callers' threads.
        RedisServer? redis = null;
        var thread = new Thread(() => redis = RedisServer.StartAsync().GetAwaiter().GetResult());
        thread.Start();
        thread.Join();
        await using var server = redis!;

        Assert.Equal("+PONG", await CommandAsync(server, "PING"));
        Assert.True(server.IsRunning);
    }

    [RequiresSetprivFact]
    public async Task StartedThroughSetpriv_ParentDies_ChildIsKilledByTheKernel()
    {
        // The mechanism RedisServer relies on, with a shell standing in for a test process that is killed.
        using var parent = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", $"{RequiresSetprivFactAttribute.Path} --pdeathsig KILL -- sleep 300 & echo $!; wait"]) { RedirectStandardOutput = true })!;
        var child = int.Parse((await parent.StandardOutput.ReadLineAsync())!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(HasExited(child));

        // setpriv arms the death signal, then becomes sleep: killing the parent before that would
        // test nothing (a loaded machine showed the race), so wait until the child is sleep.
        Assert.True(await Poll.UntilAsync(() => Task.FromResult(Command(child) == "sleep"), TimeSpan.FromSeconds(10)), $"pid {child} never became sleep");
        parent.Kill();
        await parent.WaitForExitAsync();

        var deadline = Stopwatch.StartNew();
        while (!HasExited(child) && deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Yield();
        }

        Assert.True(HasExited(child), $"sleep {child} survived its parent");
    }

    [Fact]
    public async Task StartAsync_MissingExecutable_SaysHowToInstallIt()
    {
        var options = new RedisServerOptions { ExecutablePath = "/nonexistent/redis-server", UseExternalServerFromEnvironment = false };

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => RedisServer.StartAsync(options));

        Assert.Contains("/nonexistent/redis-server", error.Message, StringComparison.Ordinal);
        Assert.Contains("ExecutablePath", error.Message, StringComparison.Ordinal);
    }

    private static string? Command(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool HasExited(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited || File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2] == "Z";
        }
        catch (Exception ex) when (ex is ArgumentException or IOException)
        {
            return true;
        }
    }

    /// <summary>Sends an inline command and returns the reply's first <paramref name="lines"/> lines.</summary>
    private static async Task<string> CommandAsync(RedisServer redis, string command, int lines = 1)
    {
        using var socket = await Tcp.ConnectAsync(System.Net.IPEndPoint.Parse(redis.ConnectionString));
        await Tcp.SendAsync(socket, Encoding.ASCII.GetBytes(command + "\r\n"));
        var reply = new StringBuilder();
        var buffer = new byte[512];
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (reply.ToString().Split("\r\n").Length <= lines)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
            if (read == 0)
            {
                break;
            }

            reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return string.Join("\r\n", reply.ToString().Split("\r\n").Take(lines));
    }
}

/// <summary>A fact that needs util-linux's setpriv; skipped, saying what to install, without it.</summary>
internal sealed class RequiresSetprivFactAttribute : FactAttribute
{
    public RequiresSetprivFactAttribute()
    {
        if (Path is null)
        {
            Skip = "setpriv is not installed: apt-get install util-linux (RedisServer then cannot tie redis-server to the test process).";
        }
    }

    public static string? Path => new[] { "/usr/bin/setpriv", "/bin/setpriv" }.FirstOrDefault(File.Exists);
}
