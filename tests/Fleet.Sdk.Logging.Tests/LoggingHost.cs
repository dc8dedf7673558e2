using System.Text.Json;
using Fleet.Sdk.Config;
using Fleet.Sdk.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Logging.Tests;

/// <summary>A real host with Fleet.Sdk logging writing to files in a temp folder (console off).</summary>
internal sealed class LoggingHost : IAsyncDisposable
{
    private IHost? _host;

    public LoggingHost()
    {
        Configuration["Fleet:Agent:Name"] = "TestAgent";
        Configuration["Fleet:Machine:Name"] = "mainpc";
        Configuration["Fleet:Logging:Console:Enabled"] = "false";
        Configuration["Fleet:Logging:File:FlushInterval"] = "00:00:00.050";

        // The host's own start/stop lines would be in every file; the tests read only their own events.
        Configuration["Fleet:Logging:Levels:Microsoft.Hosting"] = "Warning";
    }

    public TempDirectory Temp { get; } = new();

    public Dictionary<string, string?> Configuration { get; } = new();

    public Action<FleetLoggingOptions>? Configure { get; set; }

    public IServiceProvider Services => _host!.Services;

    public ConfigurationManager? ConfigurationManager { get; private set; }

    public string LogDirectory => Path.Combine(Temp.Path, "logs", "TestAgent");

    public async Task<LoggingHost> StartAsync()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = Temp.Path });
        builder.Configuration.AddInMemoryCollection(Configuration);
        ConfigurationManager = builder.Configuration;
        builder.Services.AddSingleton<IEnvironmentVariables>(new DictionaryEnvironmentVariables());
        builder.AddFleetLogging(Configure);
        _host = builder.Build();
        await _host.StartAsync();
        return this;
    }

    public ILogger Logger(string category = "Tests.Category") => Services.GetRequiredService<ILoggerFactory>().CreateLogger(category);

    public ISecretRegistry Secrets => Services.GetRequiredService<ISecretRegistry>();

    /// <summary>Stops the host, which drains the queue and closes the files, then reads every line written.</summary>
    public async Task<IReadOnlyList<JsonElement>> StopAndReadAsync()
    {
        await StopAsync();
        return ReadLines();
    }

    public async Task StopAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
            _host = null;
        }
    }

    public IReadOnlyList<JsonElement> ReadLines() =>
        Directory.Exists(LogDirectory)
            ? Directory.GetFiles(LogDirectory, "*.jsonl").Order(StringComparer.Ordinal)
                .SelectMany(File.ReadAllLines)
                .Where(l => l.Length > 0)
                .Select(l => JsonDocument.Parse(l).RootElement.Clone())
                .ToList()
            : [];

    public string ReadAllText() =>
        string.Concat(Directory.GetFiles(LogDirectory, "*.jsonl").Order(StringComparer.Ordinal).Select(File.ReadAllText));

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Temp.Dispose();
    }
}
