using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Parsing;

namespace Fleet.Sdk.Logging;

/// <summary>
/// One JSON object per line with fields a Python log pipeline already reads:
/// <c>timestamp</c>, <c>level</c> (DEBUG/INFO/WARNING/ERROR/CRITICAL), <c>logger</c>, <c>message</c>,
/// <c>agent</c>, <c>machine</c>, <c>version</c>, <c>pid</c>, <c>trace_id</c>, <c>span_id</c>,
/// <c>correlation_id</c>, <c>event_id</c>, <c>event_name</c>, <c>exception</c>, and every other
/// property under <c>props</c>. Long strings are cut at <c>MaxFieldLength</c> and marked.
/// </summary>
internal sealed class FleetJsonFormatter(int maxFieldLength) : ITextFormatter
{
    [ThreadStatic]
    private static StringWriter? _scratch;

    public void Format(LogEvent logEvent, TextWriter output)
    {
        Span<char> buffer = stackalloc char[40];
        output.Write("{\"timestamp\":\"");
        logEvent.Timestamp.UtcDateTime.TryFormat(buffer, out var written, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        output.Write(buffer[..written]);
        output.Write("\",\"level\":\"");
        output.Write(LevelNames.Python(logEvent.Level));
        output.Write('"');

        var properties = logEvent.Properties;
        WriteScalarField(output, "logger", properties, FleetEnricher.SourceContext);
        output.Write(",\"message\":");
        WriteMessage(logEvent, output);
        WriteScalarField(output, "agent", properties, FleetEnricher.AgentProperty);
        WriteScalarField(output, "machine", properties, FleetEnricher.MachineProperty);
        WriteScalarField(output, "version", properties, FleetEnricher.VersionProperty);
        if (properties.TryGetValue(FleetEnricher.ProcessIdProperty, out var pid) && pid is ScalarValue { Value: int id })
        {
            output.Write(",\"pid\":");
            JsonText.WriteNumber(output, id);
        }

        if (logEvent.TraceId is { } traceId)
        {
            output.Write(",\"trace_id\":\"");
            output.Write(traceId.ToHexString());
            output.Write('"');
        }

        if (logEvent.SpanId is { } spanId)
        {
            output.Write(",\"span_id\":\"");
            output.Write(spanId.ToHexString());
            output.Write('"');
        }

        WriteScalarField(output, "correlation_id", properties, FleetEnricher.CorrelationProperty);
        if (properties.TryGetValue("EventId", out var eventId) && eventId is StructureValue structure)
        {
            foreach (var part in structure.Properties)
            {
                if (part.Name == "Id" && part.Value is ScalarValue { Value: int number } && number != 0)
                {
                    output.Write(",\"event_id\":");
                    JsonText.WriteNumber(output, number);
                }
                else if (part.Name == "Name" && part.Value is ScalarValue { Value: string name })
                {
                    output.Write(",\"event_name\":");
                    JsonText.WriteString(output, name, maxFieldLength);
                }
            }
        }

        if (logEvent.Exception is not null)
        {
            output.Write(",\"exception\":");
            JsonText.WriteString(output, logEvent.Exception.ToString(), maxFieldLength);
        }

        var first = true;
        foreach (var (name, value) in properties)
        {
            if (FleetEnricher.IsWellKnown(name))
            {
                continue;
            }

            output.Write(first ? ",\"props\":{" : ",");
            first = false;
            JsonText.WritePropertyName(output, name);
            WriteValue(output, value);
        }

        if (!first)
        {
            output.Write('}');
        }

        output.Write("}\n");
    }

    /// <summary>Renders the message straight into the output, escaped and cut at the field limit, without building a string.</summary>
    private void WriteMessage(LogEvent logEvent, TextWriter output)
    {
        output.Write('"');
        long budget = maxFieldLength;
        long truncated = 0;
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            ReadOnlySpan<char> piece;
            if (token is TextToken text)
            {
                piece = text.Text;
            }
            else if (token is PropertyToken property && logEvent.Properties.TryGetValue(property.PropertyName, out var value))
            {
                if (value is ScalarValue { Value: string s })
                {
                    // Strings render bare in the message, as Python's % formatting does.
                    piece = s;
                }
                else
                {
                    var scratch = _scratch ??= new StringWriter(CultureInfo.InvariantCulture);
                    var builder = scratch.GetStringBuilder();
                    builder.Clear();
                    value.Render(scratch, property.Format, CultureInfo.InvariantCulture);
                    piece = builder.Length <= 256 ? Chunk(builder) : builder.ToString();
                }
            }
            else
            {
                piece = token.ToString();
            }

            if (piece.Length <= budget)
            {
                JsonText.WriteEscapedChars(output, piece);
                budget -= piece.Length;
            }
            else
            {
                JsonText.WriteEscapedChars(output, piece[..(int)budget]);
                truncated += piece.Length - budget;
                budget = 0;
            }
        }

        if (truncated > 0)
        {
            JsonText.WriteTruncationMarker(output, truncated);
        }

        output.Write('"');
    }

    private static ReadOnlySpan<char> Chunk(System.Text.StringBuilder builder)
    {
        foreach (var chunk in builder.GetChunks())
        {
            if (chunk.Length == builder.Length)
            {
                return chunk.Span;
            }
        }

        return builder.ToString();
    }

    private void WriteScalarField(TextWriter output, string field, IReadOnlyDictionary<string, LogEventPropertyValue> properties, string property)
    {
        if (properties.TryGetValue(property, out var value) && value is ScalarValue { Value: { } scalar })
        {
            output.Write(",\"");
            output.Write(field);
            output.Write("\":");
            JsonText.WriteString(output, scalar as string ?? Convert.ToString(scalar, CultureInfo.InvariantCulture), maxFieldLength);
        }
    }

    private void WriteValue(TextWriter output, LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue scalar:
                WriteScalar(output, scalar.Value);
                break;
            case SequenceValue sequence:
                output.Write('[');
                for (var i = 0; i < sequence.Elements.Count; i++)
                {
                    if (i > 0)
                    {
                        output.Write(',');
                    }

                    WriteValue(output, sequence.Elements[i]);
                }

                output.Write(']');
                break;
            case StructureValue structure:
                output.Write('{');
                var first = true;
                if (structure.TypeTag is not null)
                {
                    JsonText.WritePropertyName(output, "$type");
                    JsonText.WriteString(output, structure.TypeTag, maxFieldLength);
                    first = false;
                }

                foreach (var property in structure.Properties)
                {
                    if (!first)
                    {
                        output.Write(',');
                    }

                    first = false;
                    JsonText.WritePropertyName(output, property.Name);
                    WriteValue(output, property.Value);
                }

                output.Write('}');
                break;
            case DictionaryValue dictionary:
                output.Write('{');
                var firstEntry = true;
                foreach (var (key, element) in dictionary.Elements)
                {
                    if (!firstEntry)
                    {
                        output.Write(',');
                    }

                    firstEntry = false;
                    JsonText.WritePropertyName(output, Convert.ToString(key.Value, CultureInfo.InvariantCulture) ?? "null");
                    WriteValue(output, element);
                }

                output.Write('}');
                break;
            default:
                JsonText.WriteString(output, value.ToString(), maxFieldLength);
                break;
        }
    }

    private void WriteScalar(TextWriter output, object? value)
    {
        switch (value)
        {
            case null:
                output.Write("null");
                break;
            case string s:
                JsonText.WriteString(output, s, maxFieldLength);
                break;
            case bool b:
                output.Write(b ? "true" : "false");
                break;
            case int i:
                JsonText.WriteNumber(output, i);
                break;
            case long l:
                JsonText.WriteNumber(output, l);
                break;
            case short or byte or sbyte or ushort or uint or ulong or decimal:
                output.Write(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case double d when double.IsFinite(d):
                JsonText.WriteNumber(output, d);
                break;
            case float f when float.IsFinite(f):
                JsonText.WriteNumber(output, f);
                break;
            case DateTime dt:
                JsonText.WriteString(output, dt.ToString("O", CultureInfo.InvariantCulture), maxFieldLength);
                break;
            case DateTimeOffset dto:
                JsonText.WriteString(output, dto.ToString("O", CultureInfo.InvariantCulture), maxFieldLength);
                break;
            default:
                JsonText.WriteString(output, Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty, maxFieldLength);
                break;
        }
    }
}
