using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Fleet.Sdk.Config;
using Fleet.Sdk.PathManager;
using Fleet.Sdk.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace Fleet.Sdk.Logging;

/// <summary>
/// Builds and owns the Serilog pipeline: enrichment on the caller's thread, then a bounded
/// background queue, then redaction, then every sink behind its own guard.
/// </summary>
internal sealed class FleetLoggingPipeline : IDisposable
{
    private const string TextTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    private readonly IOptionsMonitor<FleetLoggingOptions> _options;
    private readonly Logger _logger;
    private readonly ILogEventSink _sinks;
    private readonly FleetEnricher _enricher;
    private readonly TimeProvider _time;
    private readonly BatchingAsyncSink _queue;
    private readonly ITimer _dropTimer;
    private long _dropsReported;
    private int _disposed;

    public FleetLoggingPipeline(
        IOptionsMonitor<FleetLoggingOptions> options,
        IConfiguration configuration,
        IFleetPaths paths,
        ISecretRegistry secrets,
        IHostEnvironment? environment,
        FleetIdentity identity,
        LoggingMetrics metrics,
        FleetLogLevels levels,
        TimeProvider timeProvider)
    {
        _options = options;
        Levels = levels;
        var current = options.CurrentValue;

        AgentName = current.AgentName ?? identity.Agent;
        var machine = current.MachineName ?? identity.Machine;
        var version = Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

        var formatter = new FleetJsonFormatter(current.MaxFieldLength);
        var sinks = new List<GuardedSink>();
        if (current.Console.Enabled)
        {
            var json = current.Console.Format == FleetConsoleFormat.Json ||
                       (current.Console.Format == FleetConsoleFormat.Auto && environment?.IsDevelopment() != true);
            var console = new LoggerConfiguration().MinimumLevel.Verbose();
            var consoleLogger = json
                ? console.WriteTo.Console(formatter).CreateLogger()
                : console.WriteTo.Console(outputTemplate: TextTemplate, formatProvider: CultureInfo.InvariantCulture).CreateLogger();
            sinks.Add(new GuardedSink("console", consoleLogger, metrics));
        }

        if (current.File.Enabled)
        {
            FileDirectory = string.IsNullOrWhiteSpace(current.File.Directory)
                ? Path.Combine(paths.Logs, SafeFileName(AgentName))
                : Path.GetFullPath(current.File.Directory, paths.Logs);
            try
            {
                File = new FleetFileSink(FileDirectory, SafeFileName(AgentName), current.File, formatter, metrics, timeProvider);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new FleetLoggingException(
                    $"The agent's log directory {FileDirectory} cannot be used: {ex.Message} " +
                    "Set Fleet:Paths:Logs (or FLEET_LOGS_DIR) to a writable directory, or Fleet:Logging:File:Directory, or mount a writable volume there.",
                    ex);
            }

            sinks.Add(new GuardedSink("file", File, metrics));
        }

        if (configuration.GetSection(LoggingConstants.SerilogSectionName + ":WriteTo").Exists())
        {
            // Sinks configured in Serilog's own section sit behind the same redaction and guards.
            var serilogSection = new LoggerConfiguration().ReadFrom.Configuration(configuration).CreateLogger();
            sinks.Add(new GuardedSink("serilog-configuration", serilogSection, metrics));
        }

        var enricher = new FleetEnricher(AgentName, machine, version, Environment.ProcessId);
        ILogEventSink pipeline = new FanOutSink(sinks);
        if (current.Redaction.Enabled)
        {
            pipeline = new RedactingSink(pipeline, new TextRedactor(secrets), new SecretPropertyNames(current.Redaction.AdditionalPropertyNames));
        }

        _sinks = pipeline;
        _time = timeProvider;
        _enricher = enricher;
        _queue = new BatchingAsyncSink(pipeline, current.Queue.Capacity, current.Queue.BlockWhenFull);
        _logger = new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .Enrich.With(enricher)
            .WriteTo.Sink(_queue)
            .CreateLogger();
        metrics.ObserveDrops(() => _queue.Dropped);

        Bridge = new SerilogBridge(_logger, timeProvider);
        _dropTimer = timeProvider.CreateTimer(_ => ReportDrops(), null, current.File.FlushInterval, current.File.FlushInterval);

        if (!current.Redaction.Enabled)
        {
            Write(LogEventLevel.Warning, 5002, "SECURITY: Fleet:Logging:Redaction:Enabled is false: registered secrets and secret-looking properties are written unmasked.");
        }
    }

    public string AgentName { get; }

    public string? FileDirectory { get; }

    public FleetFileSink? File { get; }

    public FleetLogLevels Levels { get; }

    public SerilogBridge Bridge { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _dropTimer.Dispose();
        ReportDrops();

        // Flushes the queue, then disposes every sink (the file sink flushes and closes its file).
        _logger.Dispose();
    }

    private void ReportDrops()
    {
        var dropped = _queue.Dropped;
        var reported = Interlocked.Exchange(ref _dropsReported, dropped);
        if (dropped > reported)
        {
            Write(LogEventLevel.Warning, 5001,
                $"Fleet.Sdk.Logging dropped {dropped - reported} event(s) because its queue (Fleet:Logging:Queue:Capacity = {_options.CurrentValue.Queue.Capacity}) was full; {dropped} in total since start.");
        }
    }

    /// <summary>
    /// Writes the pipeline's own reports straight to the sinks, past the queue: a report that the
    /// queue dropped events must not itself be dropped by the full queue.
    /// </summary>
    private void Write(LogEventLevel level, int eventId, string message)
    {
        var logEvent = new LogEvent(
            _time.GetUtcNow(),
            level,
            null,
            new MessageTemplate([new Serilog.Parsing.TextToken(message)]),
            [
                new LogEventProperty(FleetEnricher.SourceContext, new ScalarValue("Fleet.Sdk.Logging")),
                new LogEventProperty("EventId", new StructureValue([new LogEventProperty("Id", new ScalarValue(eventId))])),
            ]);
        _enricher.Enrich(logEvent, null!);
        _sinks.Emit(logEvent);
    }

    private static string SafeFileName(string name)
    {
        var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray());
        return safe.Length == 0 ? "agent" : safe;
    }
}
