using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Logging.Tests;

public sealed partial class FleetLoggingTests
{
    [Fact]
    public async Task Log_Information_WritesJsonLineWithFleetFields()
    {
        await using var host = await new LoggingHost().StartAsync();

        host.Logger("Fleet.Sdk.Tests.Worker").LogInformation(new EventId(42, "Served"), "Served {Action} in {ElapsedMs} ms", "health_check", 3.5);

        var line = Assert.Single(await host.StopAndReadAsync());
        Assert.Equal("INFO", line.GetProperty("level").GetString());
        Assert.Equal("Fleet.Sdk.Tests.Worker", line.GetProperty("logger").GetString());
        Assert.Equal("Served health_check in 3.5 ms", line.GetProperty("message").GetString());
        Assert.Equal("TestAgent", line.GetProperty("agent").GetString());
        Assert.Equal("mainpc", line.GetProperty("machine").GetString());
        Assert.Equal(Environment.ProcessId, line.GetProperty("pid").GetInt32());
        Assert.Equal(42, line.GetProperty("event_id").GetInt32());
        Assert.Equal("Served", line.GetProperty("event_name").GetString());
        Assert.Equal("health_check", line.GetProperty("props").GetProperty("Action").GetString());
        Assert.Equal(3.5, line.GetProperty("props").GetProperty("ElapsedMs").GetDouble());
        Assert.True(DateTimeOffset.TryParse(line.GetProperty("timestamp").GetString(), out _));
    }

    [Fact]
    public async Task Log_InsideActivity_CarriesTraceSpanAndCorrelationIds()
    {
        await using var host = await new LoggingHost().StartAsync();
        using var activity = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).AddBaggage("correlation_id", "req-7f3a").Start();

        host.Logger().LogWarning("inside a request");
        activity.Stop();

        var line = Assert.Single(await host.StopAndReadAsync());
        Assert.Equal("WARNING", line.GetProperty("level").GetString());
        Assert.Equal(activity.TraceId.ToHexString(), line.GetProperty("trace_id").GetString());
        Assert.Equal(activity.SpanId.ToHexString(), line.GetProperty("span_id").GetString());
        Assert.Equal("req-7f3a", line.GetProperty("correlation_id").GetString());
    }

    [Fact]
    public async Task Log_RegisteredSecretEverywhere_NeverReachesTheFile()
    {
        const string Secret = "s3cr3t-Redis-Pa55";
        await using var host = await new LoggingHost().StartAsync();
        host.Secrets.Register("redis-password", Secret);
        var logger = host.Logger();

        logger.LogInformation("Connecting with " + Secret + " now");
        logger.LogInformation("Connecting to {Endpoint}", $"redis://:{Secret}@10.0.0.1:6379");
        logger.LogInformation("Options {@Options}", new { Host = "10.0.0.1", Extra = new[] { "a", Secret } });
        logger.LogError(new InvalidOperationException($"AUTH {Secret} rejected"), "Redis refused us");
        logger.LogInformation("Nested {@Config}", new Dictionary<string, object> { ["inner"] = new { Value = $"x{Secret}y" } });

        var lines = await host.StopAndReadAsync();

        Assert.Equal(5, lines.Count);
        Assert.DoesNotContain(Secret, host.ReadAllText(), StringComparison.Ordinal);
        Assert.Contains("***", lines[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException", lines[3].GetProperty("exception").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Log_SecretLookingProperties_Masked()
    {
        await using var host = await new LoggingHost().StartAsync();

        host.Logger().LogInformation(
            "login {User} {Password} {ApiKey} {MaxTokens} {PublicKey} {Db}",
            "alice", "hunter22", "k-123456", 512, "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7", "Server=db;User Id=sa;Password=Sup3r;Database=x");
        host.Logger().LogInformation("user {@User}", new { Name = "bob", AccessToken = "tok-99887766", SecretKey = "abc12345" });

        var lines = await host.StopAndReadAsync();
        var props = lines[0].GetProperty("props");
        Assert.Equal("alice", props.GetProperty("User").GetString());
        Assert.Equal("***", props.GetProperty("Password").GetString());
        Assert.Equal("***", props.GetProperty("ApiKey").GetString());
        Assert.Equal(512, props.GetProperty("MaxTokens").GetInt32());
        Assert.StartsWith("rq:rM", props.GetProperty("PublicKey").GetString(), StringComparison.Ordinal);
        Assert.Equal("Server=db;User Id=sa;Password=***;Database=x", props.GetProperty("Db").GetString());
        var user = lines[1].GetProperty("props").GetProperty("User");
        Assert.Equal("bob", user.GetProperty("Name").GetString());
        Assert.Equal("***", user.GetProperty("AccessToken").GetString());
        Assert.Equal("***", user.GetProperty("SecretKey").GetString());
        var text = host.ReadAllText();
        Assert.DoesNotContain("hunter22", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Sup3r", text, StringComparison.Ordinal);
        Assert.DoesNotContain("tok-99887766", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Log_HugeMessage_CutAndMarked()
    {
        var host = new LoggingHost { Configure = o => o.MaxFieldLength = 1000 };
        await using var _ = await host.StartAsync();

        host.Logger().LogInformation("{Blob}", new string('x', 5_000_000));

        var line = Assert.Single(await host.StopAndReadAsync());
        Assert.EndsWith("chars]", line.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(new FileInfo(Directory.GetFiles(host.LogDirectory).Single()).Length < 10_000);
    }

    [Fact]
    public async Task SetLevel_AtRuntime_EnablesAndResetsWithoutRestart()
    {
        await using var host = await new LoggingHost().StartAsync();
        var levels = host.Services.GetRequiredService<IFleetLogLevels>();
        var logger = host.Logger("Fleet.Sdk.Messaging.RpcServer");

        logger.LogDebug("hidden 1");
        levels.SetLevel("Fleet.Sdk.Messaging", LogLevel.Debug);
        logger.LogDebug("shown");
        Assert.True(logger.IsEnabled(LogLevel.Debug));
        Assert.False(host.Logger("Other").IsEnabled(LogLevel.Debug));
        levels.ResetLevel("Fleet.Sdk.Messaging");
        logger.LogDebug("hidden 2");

        var lines = await host.StopAndReadAsync();
        Assert.Equal(["shown"], lines.Select(l => l.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task ConfigurationReload_ChangesLevels()
    {
        await using var host = await new LoggingHost().StartAsync();
        var logger = host.Logger("Agent.Work");
        Assert.False(logger.IsEnabled(LogLevel.Debug));

        host.ConfigurationManager!["Fleet:Logging:Levels:Agent"] = "Debug";
        ((Microsoft.Extensions.Configuration.IConfigurationRoot)host.ConfigurationManager).Reload();

        Assert.True(await Poll.UntilAsync(() => logger.IsEnabled(LogLevel.Debug), TimeSpan.FromSeconds(5)));
        host.ConfigurationManager!["Fleet:Logging:MinimumLevel"] = "Error";
        ((Microsoft.Extensions.Configuration.IConfigurationRoot)host.ConfigurationManager).Reload();
        Assert.True(await Poll.UntilAsync(() => !host.Logger("Else").IsEnabled(LogLevel.Warning), TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task SerilogSection_MinimumLevelOverride_Honoured()
    {
        var host = new LoggingHost();
        host.Configuration["Serilog:MinimumLevel:Default"] = "Warning";
        host.Configuration["Serilog:MinimumLevel:Override:Noisy.Library"] = "Error";
        await using var _ = await host.StartAsync();

        Assert.False(host.Logger("Any").IsEnabled(LogLevel.Information));
        Assert.True(host.Logger("Any").IsEnabled(LogLevel.Warning));
        Assert.False(host.Logger("Noisy.Library.Client").IsEnabled(LogLevel.Warning));
    }

    [Fact]
    public async Task Start_InvalidOptions_EveryProblemNamed()
    {
        var host = new LoggingHost();
        host.Configuration["Fleet:Logging:File:FileSizeLimitBytes"] = "10";
        host.Configuration["Fleet:Logging:Queue:Capacity"] = "0";
        await using var _ = host;

        var error = await Assert.ThrowsAsync<OptionsValidationException>(host.StartAsync);

        Assert.Contains(error.Failures, f => f.Contains("Fleet:Logging:File:FileSizeLimitBytes", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Fleet:Logging:Queue:Capacity", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_LogDirectoryNotCreatable_ErrorNamesFleetPathsLogs()
    {
        var host = new LoggingHost();
        var file = host.Temp.WriteFile("blocker", "x");
        host.Configuration["Fleet:Logging:File:Directory"] = Path.Combine(file, "agent");
        await using var _ = host;

        var error = await Assert.ThrowsAsync<FleetLoggingException>(host.StartAsync);

        Assert.Contains("Fleet:Paths:Logs", error.Message, StringComparison.Ordinal);
        Assert.Contains("Fleet:Logging:File:Directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedactionDisabled_LoudWarningInTheLog()
    {
        var host = new LoggingHost();
        host.Configuration["Fleet:Logging:Redaction:Enabled"] = "false";
        await using var _ = await host.StartAsync();

        var lines = await host.StopAndReadAsync();

        Assert.Contains(lines, l => l.TryGetProperty("event_id", out var id) && id.GetInt32() == 5002);
    }

    [Fact]
    public async Task AddFleetLogging_ReplacesOtherProvidersAndIsIdempotent()
    {
        await using var host = await new LoggingHost().StartAsync();

        var providers = host.Services.GetServices<ILoggerProvider>().ToList();

        Assert.Single(providers);
    }
}
