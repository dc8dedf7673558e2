using System.Runtime.CompilerServices;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace Fleet.Sdk.Logging;

/// <summary>
/// Masks secrets in every event before any sink sees it: in the message template text, in
/// property values (scalars, destructured objects, sequences, dictionaries), in properties whose
/// names look secret, and in exceptions. An event with nothing to mask passes through untouched.
/// </summary>
internal sealed class RedactingSink(ILogEventSink inner, TextRedactor text, SecretPropertyNames names) : ILogEventSink, IDisposable
{
    private static readonly ScalarValue Masked = new(LoggingConstants.Mask);
    private static readonly MessageTemplateParser Parser = new();
    private readonly ConditionalWeakTable<MessageTemplate, RedactedTemplate> _templates = [];

    public void Emit(LogEvent logEvent) => inner.Emit(Redact(logEvent));

    public void Dispose() => (inner as IDisposable)?.Dispose();

    public LogEvent Redact(LogEvent logEvent)
    {
        List<LogEventProperty>? properties = null;
        var index = 0;
        foreach (var (name, value) in logEvent.Properties)
        {
            // Values the pipeline made itself (category, event id, agent, machine...) hold no logged data.
            var redacted = value is ITrustedValue ? value : names.IsSecret(name) ? Masked : RedactValue(value);
            if (!ReferenceEquals(redacted, value) && properties is null)
            {
                properties = new List<LogEventProperty>(logEvent.Properties.Count);
                foreach (var (earlierName, earlierValue) in logEvent.Properties.Take(index))
                {
                    properties.Add(new LogEventProperty(earlierName, earlierValue));
                }
            }

            properties?.Add(new LogEventProperty(name, redacted));
            index++;
        }

        // Templates repeat: remember per template (and per set of secrets) whether it needs masking.
        var template = logEvent.MessageTemplate;
        var version = text.Version;
        if (!_templates.TryGetValue(template, out var cached) || cached.Version != version)
        {
            var masked = text.Redact(template.Text);
            cached = new RedactedTemplate(version, masked is null ? null : Parser.Parse(masked));
            _templates.AddOrUpdate(template, cached);
        }

        var templateText = cached.Redacted?.Text;
        if (cached.Redacted is not null)
        {
            template = cached.Redacted;
        }

        var exception = logEvent.Exception;
        if (exception is not null && exception is not RedactedException)
        {
            var exceptionText = text.Redact(exception.ToString());
            if (exceptionText is not null)
            {
                exception = new RedactedException(exception, exceptionText, text.Redact(exception.Message) ?? exception.Message);
            }
        }

        if (properties is null && templateText is null && ReferenceEquals(exception, logEvent.Exception))
        {
            return logEvent;
        }

        return new LogEvent(
            logEvent.Timestamp,
            logEvent.Level,
            exception,
            template,
            properties ?? logEvent.Properties.Select(p => new LogEventProperty(p.Key, p.Value)),
            logEvent.TraceId ?? default,
            logEvent.SpanId ?? default);
    }

    private LogEventPropertyValue RedactValue(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: string s }:
                var redacted = text.Redact(s);
                return redacted is null ? value : new ScalarValue(redacted);

            case ScalarValue { Value: null or bool or char or byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal or DateTime or DateTimeOffset or TimeSpan or Guid or Enum }:
                return value;

            case ScalarValue scalar:
                // Objects logged as scalars (a Uri, a connection-string builder) render through ToString.
                var rendered = scalar.Value!.ToString();
                var masked = rendered is null ? null : text.Redact(rendered);
                return masked is null ? value : new ScalarValue(masked);

            case StructureValue structure:
                return RedactStructure(structure);

            case SequenceValue sequence:
                var elements = sequence.Elements.Select(RedactValue).ToList();
                return elements.Where((e, i) => !ReferenceEquals(e, sequence.Elements[i])).Any() ? new SequenceValue(elements) : value;

            case DictionaryValue dictionary:
                var changed = false;
                var entries = new List<KeyValuePair<ScalarValue, LogEventPropertyValue>>(dictionary.Elements.Count);
                foreach (var (key, element) in dictionary.Elements)
                {
                    var redactedElement = key.Value is string k && names.IsSecret(k) ? Masked : RedactValue(element);
                    changed |= !ReferenceEquals(redactedElement, element);
                    entries.Add(new(key, redactedElement));
                }

                return changed ? new DictionaryValue(entries) : value;

            default:
                return value;
        }
    }

    private StructureValue RedactStructure(StructureValue structure)
    {
        // Allocates only when something inside needs masking.
        List<LogEventProperty>? properties = null;
        var source = structure.Properties;
        for (var i = 0; i < source.Count; i++)
        {
            var property = source[i];
            var redacted = names.IsSecret(property.Name) ? Masked : RedactValue(property.Value);
            if (properties is null && !ReferenceEquals(redacted, property.Value))
            {
                properties = new List<LogEventProperty>(source.Count);
                for (var j = 0; j < i; j++)
                {
                    properties.Add(source[j]);
                }
            }

            properties?.Add(ReferenceEquals(redacted, property.Value) ? property : new LogEventProperty(property.Name, redacted));
        }

        return properties is null ? structure : new StructureValue(properties, structure.TypeTag);
    }
}
