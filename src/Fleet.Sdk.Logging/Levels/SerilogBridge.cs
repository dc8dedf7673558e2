using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Serilog.Events;
using Serilog.Parsing;

namespace Fleet.Sdk.Logging;

/// <summary>
/// Turns a Microsoft.Extensions.Logging call into a Serilog event with as little work as possible:
/// cached templates, cached category and event-id properties, primitive values wrapped without
/// the destructuring machinery, UTC timestamps, trace and span ids from <see cref="Activity.Current"/>.
/// </summary>
internal sealed class SerilogBridge
{
    private const string OriginalFormat = "{OriginalFormat}";
    private const int MaxCachedTemplates = 2048;

    private static readonly MessageTemplateParser Parser = new();
    private readonly ConcurrentDictionary<string, MessageTemplate> _templates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<EventId, LogEventProperty> _eventIds = new();
    private readonly Serilog.ILogger _logger;
    private readonly TimeProvider _time;

    public SerilogBridge(Serilog.ILogger logger, TimeProvider time)
    {
        _logger = logger;
        _time = time;
    }

    public IExternalScopeProvider? Scopes { get; set; }

    public void Write<TState>(LogEventProperty sourceContext, LogLevel level, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var properties = new List<LogEventProperty>(8) { sourceContext };
        MessageTemplate? template = null;
        if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            for (var i = 0; i < values.Count; i++)
            {
                var (name, value) = values[i];
                if (name == OriginalFormat)
                {
                    template = value is string text ? Template(text) : null;
                }
                else
                {
                    properties.Add(Property(name, value));
                }
            }
        }

        template ??= LiteralTemplate(formatter(state, exception));
        if (eventId.Id != 0 || eventId.Name is not null)
        {
            properties.Add(_eventIds.Count < MaxCachedTemplates ? _eventIds.GetOrAdd(eventId, CreateEventId) : CreateEventId(eventId));
        }

        Scopes?.ForEachScope(static (scope, state) => state.Self.AddScope(scope, state.Properties), (Self: this, Properties: properties));

        var activity = Activity.Current;
        var logEvent = activity is null
            ? new LogEvent(_time.GetUtcNow(), Level(level), exception, template, properties)
            : new LogEvent(_time.GetUtcNow(), Level(level), exception, template, properties, activity.TraceId, activity.SpanId);
        _logger.Write(logEvent);
    }

    private LogEventProperty Property(string name, object? value)
    {
        if (name.Length > 1 && name[0] == '@')
        {
            return _logger.BindProperty(name[1..], value, destructureObjects: true, out var destructured) ? destructured! : new LogEventProperty(name[1..], new ScalarValue(null));
        }

        if (name.Length > 1 && name[0] == '$')
        {
            return new LogEventProperty(name[1..], new ScalarValue(value?.ToString()));
        }

        return value switch
        {
            null or string or bool or int or long or double or float or decimal or short or byte or uint or ulong or ushort or sbyte or char
                or DateTime or DateTimeOffset or TimeSpan or Guid or Enum => new LogEventProperty(name, new ScalarValue(value)),
            _ => _logger.BindProperty(name, value, destructureObjects: false, out var bound) ? bound! : new LogEventProperty(name, new ScalarValue(value)),
        };
    }

    private void AddScope(object? scope, List<LogEventProperty> properties)
    {
        if (scope is IEnumerable<KeyValuePair<string, object?>> values)
        {
            foreach (var (name, value) in values)
            {
                if (name != OriginalFormat && properties.TrueForAll(p => p.Name != name))
                {
                    properties.Add(Property(name, value));
                }
            }
        }
        else if (scope is not null && properties.TrueForAll(p => p.Name != "Scope"))
        {
            properties.Add(new LogEventProperty("Scope", new ScalarValue(scope.ToString())));
        }
    }

    private MessageTemplate Template(string text)
    {
        if (_templates.TryGetValue(text, out var template))
        {
            return template;
        }

        template = Parser.Parse(text);
        if (_templates.Count < MaxCachedTemplates)
        {
            _templates.TryAdd(text, template);
        }

        return template;
    }

    private static MessageTemplate LiteralTemplate(string text) => new([new TextToken(text)]);

    private static LogEventProperty CreateEventId(EventId eventId) =>
        new("EventId", new TrustedStructureValue(
        [
            new LogEventProperty("Id", new ScalarValue(eventId.Id)),
            new LogEventProperty("Name", new ScalarValue(eventId.Name)),
        ]));

    private static LogEventLevel Level(LogLevel level) => level switch
    {
        LogLevel.Trace => LogEventLevel.Verbose,
        LogLevel.Debug => LogEventLevel.Debug,
        LogLevel.Information => LogEventLevel.Information,
        LogLevel.Warning => LogEventLevel.Warning,
        LogLevel.Error => LogEventLevel.Error,
        _ => LogEventLevel.Fatal,
    };
}
