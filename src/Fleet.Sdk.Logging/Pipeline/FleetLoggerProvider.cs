using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog.Events;

namespace Fleet.Sdk.Logging;

/// <summary>
/// The <see cref="ILoggerProvider"/> agents log through: Serilog's provider behind a level check
/// that follows <see cref="IFleetLogLevels"/> at run time, so a disabled event costs a comparison.
/// </summary>
/// <remarks>
/// The pipeline is built on first use, not when the logger factory is created: building it
/// resolves services (the agent's paths) that log themselves, which would otherwise ask for the
/// logger factory while it is being made. Events logged while the pipeline is being built are
/// held and written as soon as it exists. If it cannot be built, events go to standard error and
/// <see cref="FleetLoggingStartupCheck"/> fails the host's start with the reason.
/// </remarks>
internal sealed class FleetLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private const int EarlyCapacity = 1024;

    [ThreadStatic]
    private static bool _building;

    private readonly IServiceProvider _services;
    private readonly FleetLogLevels _levels;
    private readonly LoggingMetrics _metrics;
    private readonly Lock _gate = new();
    private readonly ConcurrentQueue<Action<FleetLoggingPipeline>> _early = new();
    private volatile FleetLoggingPipeline? _pipeline;
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();
    private bool _disposed;

    public FleetLoggerProvider(IServiceProvider services, FleetLogLevels levels, LoggingMetrics metrics)
    {
        _services = services;
        _levels = levels;
        _metrics = metrics;
    }

    /// <summary>Gets why the pipeline could not be built, if it could not.</summary>
    public Exception? BuildError { get; private set; }

    public ILogger CreateLogger(string categoryName) => new CategoryLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        _scopes = scopeProvider;
        if (_pipeline is { } pipeline)
        {
            pipeline.Bridge.Scopes = scopeProvider;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        _pipeline?.Dispose();
    }

    /// <summary>Builds the pipeline now if it is not built yet (the host's start-up check calls this).</summary>
    public FleetLoggingPipeline? EnsurePipeline()
    {
        var pipeline = _pipeline;
        if (pipeline is not null || _building)
        {
            return pipeline;
        }

        lock (_gate)
        {
            if (_pipeline is not null || BuildError is not null || _disposed)
            {
                return _pipeline;
            }

            _building = true;
            try
            {
                var built = _services.GetRequiredService<FleetLoggingPipeline>();
                built.Bridge.Scopes = _scopes;
                _pipeline = built;
            }
            catch (Exception ex)
            {
                BuildError = ex;
            }
            finally
            {
                _building = false;
            }

            while (_early.TryDequeue(out var replay))
            {
                if (_pipeline is not null)
                {
                    replay(_pipeline);
                }
            }

            return _pipeline;
        }
    }

    private sealed class CategoryLogger(FleetLoggerProvider provider, string category) : ILogger
    {
        private readonly LogEventProperty _sourceContext = new(FleetEnricher.SourceContext, new TrustedScalarValue(category));
        private int _version = -1;
        private LogLevel _level;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= CurrentLevel();

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var pipeline = provider.EnsurePipeline();
            if (pipeline is not null)
            {
                pipeline.Bridge.Write(_sourceContext, logLevel, eventId, state, exception, formatter);
                return;
            }

            if (_building && provider._early.Count < EarlyCapacity)
            {
                // Logged by a service the pipeline is being built from: keep it until the pipeline exists.
                var sourceContext = _sourceContext;
                provider._early.Enqueue(built => built.Bridge.Write(sourceContext, logLevel, eventId, state, exception, formatter));
                return;
            }

            // The pipeline could not be built: the host's start fails with the reason; until then, stderr.
            provider._metrics.EventsLost("pipeline", 1);
            Console.Error.WriteLine($"{logLevel}: {category}: {formatter(state, exception)}{(exception is null ? string.Empty : Environment.NewLine + exception)}");
        }

        private LogLevel CurrentLevel()
        {
            var levels = provider._levels;
            var version = levels.Version;
            if (version != Volatile.Read(ref _version))
            {
                _level = levels.GetLevel(category);
                Volatile.Write(ref _version, version);
            }

            return _level;
        }
    }
}
