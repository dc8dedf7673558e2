using System.CommandLine;
using Microsoft.Extensions.Configuration;

namespace Fleet.Cli;

/// <summary>The options of every command that talks to the fleet's coordination engine (<c>discovery</c>, <c>gpu</c>): where (Redis or NATS, over <c>Fleet:Coordination</c>), which fleet, the password file, the timeout, and the output format.</summary>
internal sealed class RedisCliOptions(string redisDescription)
{
    public Option<string?> Redis { get; } = new("--redis") { Description = redisDescription };

    public Option<string?> Nats { get; } = new("--nats")
    {
        Description = "NATS servers (nats://host:port[,...]) instead of Redis; default: Fleet:Coordination:Nats:Servers (FLEET__COORDINATION__NATS__SERVERS).",
    };

    public Option<string?> Fleet { get; } = new("--fleet")
    {
        Description = "The fleet's name (key prefix fleet:NAME:); default: Fleet:Coordination:FleetName or 'default'.",
    };

    public Option<FileInfo?> PasswordFile { get; } = new("--password-file")
    {
        Description = "A file holding the engine's password (never give the password itself on a command line).",
    };

    public Option<int> Timeout { get; } = new("--timeout")
    {
        Description = "Milliseconds to wait for the engine.",
        DefaultValueFactory = _ => 2000,
    };

    public Option<string> Format { get; } = CreateFormat();

    public void AddTo(Command command, bool format)
    {
        command.Options.Add(Redis);
        command.Options.Add(Nats);
        command.Options.Add(Fleet);
        command.Options.Add(PasswordFile);
        command.Options.Add(Timeout);
        if (format)
        {
            command.Options.Add(Format);
        }
    }

    /// <summary>The process environment with <c>--redis</c>, <c>--fleet</c> and <c>--password-file</c> laid over it.</summary>
    public IConfiguration Configuration(ParseResult parse)
    {
        var timeoutMs = parse.GetValue(Timeout);
        if (timeoutMs <= 0)
        {
            throw new CliException($"--timeout {timeoutMs} must be a positive number of milliseconds.");
        }

        var overrides = new Dictionary<string, string?>();
        if (parse.GetValue(Redis) is { } redis)
        {
            overrides["Fleet:Coordination:Redis:ConnectionString"] = redis;
        }

        if (parse.GetValue(Nats) is { } nats)
        {
            overrides["Fleet:Coordination:Nats:Servers"] = nats;
        }

        if (parse.GetValue(Fleet) is { } fleet)
        {
            overrides["Fleet:Coordination:FleetName"] = fleet;
        }

        if (parse.GetValue(PasswordFile) is { } passwordFile)
        {
            if (!passwordFile.Exists)
            {
                throw new CliException($"--password-file {passwordFile.FullName} does not exist.");
            }

            // Only the engine in use reads its secret.
            overrides["Fleet:Security:Secrets:redis-password"] = passwordFile.FullName;
            overrides["Fleet:Security:Secrets:nats-password"] = passwordFile.FullName;
        }

        return new ConfigurationBuilder().AddEnvironmentVariables().AddInMemoryCollection(overrides).Build();
    }

    /// <summary>Whether <paramref name="configuration"/> names Redis servers: <c>Fleet:Coordination:Redis:ConnectionString</c> or <c>:Sentinels</c>, or the legacy <c>Fleet:Discovery:Redis:ConnectionString</c>.</summary>
    public static bool HasRedis(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["Fleet:Coordination:Redis:ConnectionString"])
        || !string.IsNullOrWhiteSpace(configuration["Fleet:Coordination:Redis:Sentinels"])
        || !string.IsNullOrWhiteSpace(configuration["Fleet:Discovery:Redis:ConnectionString"]);

    private static Option<string> CreateFormat()
    {
        var format = new Option<string>("--format")
        {
            Description = "text or json.",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json");
        return format;
    }
}
