using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Fleet.Sdk.Config;

/// <summary>Reads one JSON document into a <see cref="FleetValue"/> tree with source locations.</summary>
internal static partial class JsonTreeReader
{
    private const int MaxDepth = 128;

    public static FleetValue? Read(string path, byte[] utf8, List<FleetConfigurationError> errors)
    {
        var lines = new ByteLines(path, utf8);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            MaxDepth = MaxDepth,
        });

        try
        {
            if (!reader.Read())
            {
                errors.Add(FleetConfigurationErrors.Empty(path));
                return null;
            }

            var root = ReadValue(ref reader, lines, new ValueCount());
            if (reader.Read())
            {
                errors.Add(FleetConfigurationErrors.Malformed(lines.At(reader.TokenStartIndex), "JSON", "unexpected content after the end of the document."));
                return null;
            }

            return root;
        }
        catch (JsonException ex)
        {
            var location = ex.LineNumber is { } line
                ? new SourceLocation(path, (int)line + 1, (int)(ex.BytePositionInLine ?? 0) + 1)
                : new SourceLocation(path, 1, 1);
            errors.Add(FleetConfigurationErrors.Malformed(location, "JSON", CleanMessage(ex.Message)));
            return null;
        }
        catch (TooManyValuesException ex)
        {
            errors.Add(FleetConfigurationErrors.TooManyValues(ex.Location, DocumentReader.MaxValuesPerFile));
            return null;
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader.GetString throws this for text it cannot turn into a string (a lone surrogate escape, "\ud800").
            errors.Add(FleetConfigurationErrors.Malformed(lines.At(reader.TokenStartIndex), "JSON",
                $"{ex.Message.TrimEnd('.')}: write the text as valid Unicode (a '\\ud800'-style escape needs its pair)."));
            return null;
        }
    }

    private static FleetValue ReadValue(ref Utf8JsonReader reader, ByteLines lines, ValueCount count)
    {
        var location = lines.At(reader.TokenStartIndex);
        if (++count.Values > DocumentReader.MaxValuesPerFile)
        {
            throw new TooManyValuesException(location);
        }

        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            {
                var entries = new List<FleetMappingEntry>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var keyLocation = lines.At(reader.TokenStartIndex);
                    var key = reader.GetString() ?? string.Empty;
                    reader.Read();
                    entries.Add(new FleetMappingEntry(key, ReadValue(ref reader, lines, count), keyLocation));
                }

                return new FleetMapping(entries, location);
            }

            case JsonTokenType.StartArray:
            {
                var items = new List<FleetValue>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadValue(ref reader, lines, count));
                }

                return new FleetSequence(items, location);
            }

            case JsonTokenType.String:
                return new FleetScalar(reader.GetString(), FleetScalarStyle.Quoted, location);
            case JsonTokenType.Number:
                return new FleetScalar(Encoding.UTF8.GetString(reader.ValueSpan), FleetScalarStyle.Plain, location);
            case JsonTokenType.True:
                return new FleetScalar("true", FleetScalarStyle.Plain, location);
            case JsonTokenType.False:
                return new FleetScalar("false", FleetScalarStyle.Plain, location);
            case JsonTokenType.Null:
                return new FleetScalar(null, FleetScalarStyle.Plain, location);
            default:
                throw new JsonException($"unexpected token {reader.TokenType}.", lines.Path, lines.At(reader.TokenStartIndex).Line - 1, lines.At(reader.TokenStartIndex).Column - 1);
        }
    }

    private static string CleanMessage(string message) => PositionSuffix().Replace(message, string.Empty).Trim();

    [GeneratedRegex(@"\s*(Path: .*)?LineNumber: \d+ \| BytePositionInLine: \d+\.?\s*$")]
    private static partial Regex PositionSuffix();

    private sealed class ValueCount
    {
        public long Values { get; set; }
    }

    /// <summary>Stops reading a file that holds more values than <see cref="DocumentReader.MaxValuesPerFile"/>.</summary>
    private sealed class TooManyValuesException(SourceLocation location) : Exception
    {
        public SourceLocation Location { get; } = location;
    }

    private sealed class ByteLines
    {
        private readonly long[] _starts;

        public ByteLines(string path, byte[] utf8)
        {
            Path = path;
            var starts = new List<long> { 0 };
            for (var i = 0; i < utf8.Length; i++)
            {
                if (utf8[i] == (byte)'\n')
                {
                    starts.Add(i + 1);
                }
            }

            _starts = [.. starts];
        }

        public string Path { get; }

        public SourceLocation At(long offset)
        {
            var line = Array.BinarySearch(_starts, offset);
            if (line < 0)
            {
                line = ~line - 1;
            }

            return new SourceLocation(Path, line + 1, (int)(offset - _starts[line]) + 1);
        }
    }
}
