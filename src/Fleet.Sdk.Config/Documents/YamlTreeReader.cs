using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Fleet.Sdk.Config;

/// <summary>
/// Reads one YAML document into a <see cref="FleetValue"/> tree with source locations. Anchors,
/// aliases and merge keys (<c>&lt;&lt;</c>) are supported; hostile documents (alias bombs, very
/// deep nesting) are refused with a message instead of exhausting memory or the stack.
/// </summary>
internal static partial class YamlTreeReader
{
    private const int MaxDepth = 128;
    /// <summary>The most values aliases may add (each alias adds a copy of what its anchor holds): stops alias bombs.</summary>
    internal const long MaxAliasExpansion = 1_000_000;

    /// <summary>The most values written in one file (no aliases counted): <see cref="DocumentReader.MaxValuesPerFile"/>.</summary>
    internal const long MaxWrittenNodes = DocumentReader.MaxValuesPerFile;

    public static FleetValue? Read(SourceText source, List<FleetConfigurationError> errors)
    {
        var state = new State(source);
        var parser = new Parser(new StringReader(source.Text));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                errors.Add(FleetConfigurationErrors.Empty(source.Path));
                return null;
            }

            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, state, 0);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var second))
            {
                errors.Add(new FleetConfigurationError(
                    Location(source, second.Start),
                    "holds more than one YAML document ('---'): a configuration file holds exactly one; split it into several files."));
                return null;
            }

            if (state.Error is not null)
            {
                errors.Add(state.Error);
                return null;
            }

            if (root is FleetScalar { IsNull: true })
            {
                errors.Add(FleetConfigurationErrors.Empty(source.Path));
                return null;
            }

            return root;
        }
        catch (YamlException ex)
        {
            errors.Add(state.Error ?? FleetConfigurationErrors.Malformed(Location(source, ex.Start), "YAML", CleanMessage(ex.Message)));
            return null;
        }
        catch (StopReadingException)
        {
            errors.Add(state.Error!);
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // YamlDotNet's scanner fails this way on some malformed input ("    : {{\ns"), instead of with a YamlException.
            var at = parser.Current is { } current ? Location(source, current.End) : new SourceLocation(source.Path, 1, 1);
            errors.Add(FleetConfigurationErrors.Malformed(at, "YAML", "the parser could not read past here (check the indentation, ':' and brackets around this line)."));
            return null;
        }
    }

    private static FleetValue ReadNode(IParser parser, State state, int depth)
    {
        if (depth > MaxDepth)
        {
            state.Fail(Location(state.Source, parser.Current!.Start), $"nests deeper than {MaxDepth} levels: flatten the structure.");
        }

        switch (parser.Current)
        {
            case AnchorAlias alias:
                parser.MoveNext();
                if (!state.Anchors.TryGetValue(alias.Value.Value, out var target))
                {
                    state.Fail(Location(state.Source, alias.Start), $"alias '*{alias.Value.Value}' refers to no anchor defined before it: define '&{alias.Value.Value}' first.");
                }

                state.CountAlias(state.Sizes[target!], alias.Start);
                return target!;

            case Scalar scalar:
            {
                parser.MoveNext();
                state.CountWritten(scalar.Start);
                var plain = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;
                var isNull = plain && scalar.Value is "" or "~" or "null" or "Null" or "NULL";
                var node = new FleetScalar(
                    isNull ? null : scalar.Value,
                    plain ? FleetScalarStyle.Plain : FleetScalarStyle.Quoted,
                    Location(state.Source, scalar.Start),
                    rawValue: null,
                    new RawSpan(state.Source, (int)scalar.Start.Index, (int)scalar.End.Index));
                return Remember(state, scalar.Anchor, node, 1);
            }

            case SequenceStart start:
            {
                parser.MoveNext();
                state.CountWritten(start.Start);
                var items = new List<FleetValue>();
                long size = 1;
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    var item = ReadNode(parser, state, depth + 1);
                    size += state.Sizes[item];
                    items.Add(item);
                }

                return Remember(state, start.Anchor, new FleetSequence(items, Location(state.Source, start.Start)), size);
            }

            case MappingStart start:
            {
                parser.MoveNext();
                state.CountWritten(start.Start);
                var entries = new List<FleetMappingEntry>();
                var merged = new List<FleetMappingEntry>();
                var mergedKeys = new HashSet<string>(StringComparer.Ordinal);
                long size = 1;
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var keyStart = parser.Current!.Start;
                    var key = ReadNode(parser, state, depth + 1);
                    if (key is not FleetScalar keyScalar)
                    {
                        state.Fail(Location(state.Source, keyStart), $"a mapping key must be a plain value, not {key.KindName}.");
                        return null!;
                    }

                    var value = ReadNode(parser, state, depth + 1);
                    size += state.Sizes[value];
                    if (keyScalar.Style == FleetScalarStyle.Plain && keyScalar.Value == "<<")
                    {
                        AddMerged(state, value, merged, mergedKeys, keyScalar.Location);
                        continue;
                    }

                    entries.Add(new FleetMappingEntry(keyScalar.Value ?? string.Empty, value, keyScalar.Location));
                }

                if (merged.Count > 0)
                {
                    var explicitKeys = new HashSet<string>(entries.Select(e => e.Key), StringComparer.Ordinal);
                    entries.AddRange(merged.Where(entry => !explicitKeys.Contains(entry.Key)));
                }

                return Remember(state, start.Anchor, new FleetMapping(entries, Location(state.Source, start.Start)), size);
            }

            default:
                state.Fail(Location(state.Source, parser.Current!.Start), $"unexpected YAML element {parser.Current.GetType().Name}.");
                return null!;
        }
    }

    private static void AddMerged(State state, FleetValue value, List<FleetMappingEntry> merged, HashSet<string> mergedKeys, SourceLocation location)
    {
        // '<<: *base' or '<<: [*a, *b]': earlier sources win over later ones, explicit keys over all.
        var sources = value is FleetSequence sequence ? sequence.Items : [value];
        foreach (var source in sources)
        {
            if (source is not FleetMapping mapping)
            {
                state.Fail(location, $"the merge key '<<' takes a mapping or a list of mappings, not {source.KindName}.");
                return;
            }

            foreach (var entry in mapping.Entries)
            {
                if (mergedKeys.Add(entry.Key))
                {
                    merged.Add(entry);
                }
            }
        }
    }

    private static FleetValue Remember(State state, AnchorName anchor, FleetValue node, long size)
    {
        state.Sizes[node] = size;
        if (!anchor.IsEmpty)
        {
            state.Anchors[anchor.Value] = node;
        }

        return node;
    }

    private static SourceLocation Location(SourceText source, Mark mark) =>
        new(source.Path, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));

    private static string CleanMessage(string message)
    {
        var cleaned = MarkPrefix().Replace(message, string.Empty).Trim();
        return cleaned.Length == 0 ? "the YAML parser rejected the file." : cleaned;
    }

    [GeneratedRegex(@"^\s*\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex MarkPrefix();

    private sealed class State(SourceText source)
    {
        private long _expanded;
        private long _written;

        public SourceText Source { get; } = source;

        public Dictionary<string, FleetValue> Anchors { get; } = new(StringComparer.Ordinal);

        public Dictionary<FleetValue, long> Sizes { get; } = new(ReferenceEqualityComparer.Instance);

        public FleetConfigurationError? Error { get; private set; }

        public void CountAlias(long nodes, Mark at)
        {
            _expanded += nodes;
            if (_expanded > MaxAliasExpansion)
            {
                Fail(Location(Source, at), $"its aliases expand to more than {MaxAliasExpansion.ToString("N0", CultureInfo.InvariantCulture)} values: refusing to load it (is it an alias bomb?). " +
                    "Use fewer aliases to large anchors, or write the values out.");
            }
        }

        public void CountWritten(Mark at)
        {
            _written++;
            if (_written > MaxWrittenNodes)
            {
                var error = FleetConfigurationErrors.TooManyValues(Location(Source, at), MaxWrittenNodes);
                Fail(error.Location, error.Message);
            }
        }

        public void Fail(SourceLocation location, string message)
        {
            Error ??= new FleetConfigurationError(location, message);
            throw new StopReadingException();
        }
    }

    private sealed class StopReadingException : Exception
    {
    }
}
