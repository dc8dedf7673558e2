using System.CommandLine;
using Microsoft.Extensions.Configuration;

namespace Fleet.Cli.Coordination;

/// <summary>Where the coordination engine is for <c>fleet coordination</c>: the options lay over <c>Fleet:Coordination</c> from the environment (<c>FLEET__COORDINATION__*</c>).</summary>
internal sealed class CoordinationCliOptions
{
    public Option<string?> Engine { get; } = new("--engine") { Description = "Auto, InProcess, Redis or Nats; default: Fleet:Coordination:Engine (Auto: by which servers are set)." };

    public Option<string?> Redis { get; } = new("--redis") { Description = "Redis servers (host:port[,host:port]); default: Fleet:Coordination:Redis:ConnectionString." };

    public Option<string?> Sentinels { get; } = new("--sentinels") { Description = "Redis Sentinel endpoints (host:port[,...]); default: Fleet:Coordination:Redis:Sentinels." };

    public Option<string?> Service { get; } = new("--service") { Description = "The master's name at the sentinels; default: Fleet:Coordination:Redis:ServiceName or 'fleet'." };

    public Option<string?> Nats { get; } = new("--nats") { Description = "NATS servers (nats://host:port[,...]); default: Fleet:Coordination:Nats:Servers." };

    public Option<string?> Fleet { get; } = new("--fleet") { Description = "The fleet's name; default: Fleet:Coordination:FleetName or 'default'." };

    public Option<FileInfo?> PasswordFile { get; } = new("--password-file") { Description = "A file holding the engine's password (never give the password itself on a command line)." };

    public Option<int> Timeout { get; } = new("--timeout") { Description = "Milliseconds to wait for the engine.", DefaultValueFactory = _ => 2000 };

    public Option<bool> Json { get; } = new("--json") { Description = "Print JSON instead of tables." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Engine, Redis, Sentinels, Service, Nats, Fleet, PasswordFile, Timeout, Json })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The process environment with the given options laid over it, as <c>Fleet:Coordination</c> keys.</summary>
    public IConfiguration Configuration(ParseResult parse, IEnumerable<KeyValuePair<string, string?>>? environment = null)
    {
        var timeoutMs = parse.GetValue(Timeout);
        if (timeoutMs <= 0)
        {
            throw new CliException($"--timeout {timeoutMs} must be a positive number of milliseconds.");
        }

        var timeout = TimeSpan.FromMilliseconds(timeoutMs).ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        var overrides = new Dictionary<string, string?>
        {
            ["Fleet:Coordination:Redis:ConnectTimeout"] = timeout,
            ["Fleet:Coordination:Redis:OperationTimeout"] = timeout,
            ["Fleet:Coordination:Nats:ConnectTimeout"] = timeout,
            ["Fleet:Coordination:Nats:OperationTimeout"] = timeout,
        };
        Set(overrides, "Fleet:Coordination:Engine", parse.GetValue(Engine));
        Set(overrides, "Fleet:Coordination:Redis:ConnectionString", parse.GetValue(Redis));
        Set(overrides, "Fleet:Coordination:Redis:Sentinels", parse.GetValue(Sentinels));
        Set(overrides, "Fleet:Coordination:Redis:ServiceName", parse.GetValue(Service));
        Set(overrides, "Fleet:Coordination:Nats:Servers", parse.GetValue(Nats));
        Set(overrides, "Fleet:Coordination:FleetName", parse.GetValue(Fleet));
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

        var builder = new ConfigurationBuilder();
        if (environment is null)
        {
            builder.AddEnvironmentVariables();
        }
        else
        {
            builder.AddInMemoryCollection(environment);
        }

        return builder.AddInMemoryCollection(overrides).Build();
    }

    private static void Set(Dictionary<string, string?> overrides, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            overrides[key] = value;
        }
    }
}
