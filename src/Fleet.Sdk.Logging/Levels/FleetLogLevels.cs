using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Serilog.Events;

namespace Fleet.Sdk.Logging;

/// <summary>Two layers of levels (configuration, runtime) merged into one immutable snapshot per change.</summary>
internal sealed class FleetLogLevels : IFleetLogLevels, IDisposable
{
    private const string DefaultPrefix = "Default";

    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, LogLevel> _cache = new(StringComparer.Ordinal);
    private Dictionary<string, LogLevel> _configured = new(StringComparer.OrdinalIgnoreCase);
    private LogLevel _configuredMinimum = LogLevel.Information;
    private readonly Dictionary<string, LogLevel> _runtime = new(StringComparer.OrdinalIgnoreCase);
    private Snapshot _snapshot = new(LogLevel.Information, [], new Dictionary<string, LogLevel>());
    private int _version;
    private IOptionsMonitor<FleetLoggingOptions>? _options;
    private IConfiguration? _configuration;
    private IDisposable? _optionsSubscription;
    private IDisposable? _configurationSubscription;

    /// <summary>Follows the configuration: <c>Fleet:Logging</c> levels over Serilog's <c>Serilog:MinimumLevel</c>, re-read on every reload.</summary>
    public FleetLogLevels Bind(IOptionsMonitor<FleetLoggingOptions> options, IConfiguration configuration)
    {
        _options = options;
        _configuration = configuration;
        ApplyLevels();
        _optionsSubscription = options.OnChange(_ => ApplyLevels());
        _configurationSubscription = ChangeToken.OnChange(configuration.GetReloadToken, ApplyLevels);
        return this;
    }

    public void Dispose()
    {
        _optionsSubscription?.Dispose();
        _configurationSubscription?.Dispose();
    }

    public LogLevel MinimumLevel => Volatile.Read(ref _snapshot).Minimum;

    public IReadOnlyDictionary<string, LogLevel> Levels => Volatile.Read(ref _snapshot).All;

    public int Version => Volatile.Read(ref _version);

    public LogLevel GetLevel(string category)
    {
        ArgumentNullException.ThrowIfNull(category);
        return _cache.GetOrAdd(category, static (c, self) => self.Compute(c), this);
    }

    public void SetLevel(string categoryPrefix, LogLevel level)
    {
        ArgumentNullException.ThrowIfNull(categoryPrefix);
        lock (_gate)
        {
            _runtime[Normalize(categoryPrefix)] = level;
            Rebuild();
        }
    }

    public bool ResetLevel(string categoryPrefix)
    {
        ArgumentNullException.ThrowIfNull(categoryPrefix);
        lock (_gate)
        {
            var removed = _runtime.Remove(Normalize(categoryPrefix));
            if (removed)
            {
                Rebuild();
            }

            return removed;
        }
    }

    /// <summary>Replaces the configuration layer (start-up and every reload).</summary>
    public void ApplyConfiguration(LogLevel minimum, IEnumerable<KeyValuePair<string, LogLevel>> levels)
    {
        lock (_gate)
        {
            _configuredMinimum = minimum;
            _configured = new Dictionary<string, LogLevel>(StringComparer.OrdinalIgnoreCase);
            foreach (var (prefix, level) in levels)
            {
                var key = Normalize(prefix);
                if (key.Length == 0)
                {
                    _configuredMinimum = level;
                }
                else
                {
                    _configured[key] = level;
                }
            }

            Rebuild();
        }
    }

    private LogLevel Compute(string category)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        foreach (var (prefix, level) in snapshot.LongestFirst)
        {
            if (category.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return level;
            }
        }

        return snapshot.Minimum;
    }

    private void Rebuild()
    {
        var merged = new Dictionary<string, LogLevel>(_configured, StringComparer.OrdinalIgnoreCase);
        var minimum = _configuredMinimum;
        foreach (var (prefix, level) in _runtime)
        {
            if (prefix.Length == 0)
            {
                minimum = level;
            }
            else
            {
                merged[prefix] = level;
            }
        }

        var ordered = merged.OrderByDescending(p => p.Key.Length).ThenBy(p => p.Key, StringComparer.Ordinal).ToArray();
        Volatile.Write(ref _snapshot, new Snapshot(minimum, ordered, merged));
        _cache.Clear();
        Interlocked.Increment(ref _version);
    }

    private static string Normalize(string prefix)
    {
        var trimmed = prefix.Trim();
        return string.Equals(trimmed, DefaultPrefix, StringComparison.OrdinalIgnoreCase) ? string.Empty : trimmed;
    }

    private sealed record Snapshot(LogLevel Minimum, KeyValuePair<string, LogLevel>[] LongestFirst, IReadOnlyDictionary<string, LogLevel> All);

    private void ApplyLevels()
    {
        var options = _options!.CurrentValue;
        var levels = new List<KeyValuePair<string, LogLevel>>();

        // Serilog's own section first; Fleet:Logging wins where both speak.
        var serilog = _configuration!.GetSection(LoggingConstants.SerilogSectionName + ":MinimumLevel");
        var minimum = options.MinimumLevel;
        if (serilog.Value is { } single && TryParseSerilogLevel(single, out var level))
        {
            minimum = _configuration!.GetSection(LoggingConstants.SectionName + ":MinimumLevel").Exists() ? minimum : level;
        }

        if (TryParseSerilogLevel(serilog["Default"], out var defaultLevel) &&
            !_configuration!.GetSection(LoggingConstants.SectionName + ":MinimumLevel").Exists())
        {
            minimum = defaultLevel;
        }

        foreach (var child in serilog.GetSection("Override").GetChildren())
        {
            if (TryParseSerilogLevel(child.Value, out var overrideLevel))
            {
                levels.Add(new(child.Key, overrideLevel));
            }
        }

        levels.AddRange(options.Levels);
        ApplyConfiguration(minimum, levels);
    }

    private static bool TryParseSerilogLevel(string? text, out LogLevel level)
    {
        level = LogLevel.Information;
        if (text is null)
        {
            return false;
        }

        if (Enum.TryParse<LogEventLevel>(text, ignoreCase: true, out var serilog))
        {
            level = serilog switch
            {
                LogEventLevel.Verbose => LogLevel.Trace,
                LogEventLevel.Debug => LogLevel.Debug,
                LogEventLevel.Information => LogLevel.Information,
                LogEventLevel.Warning => LogLevel.Warning,
                LogEventLevel.Error => LogLevel.Error,
                _ => LogLevel.Critical,
            };
            return true;
        }

        return Enum.TryParse(text, ignoreCase: true, out level);
    }

}
