using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Fleet.Sdk.Hosting;

/// <summary>
/// Collects System.Diagnostics.Metrics measurements with a <see cref="MeterListener"/> and renders
/// them in the Prometheus text format (version 0.0.4). Only meters created by this host's
/// <see cref="IMeterFactory"/> and process-wide meters (no scope) whose name starts with one of
/// the configured prefixes are collected, so two hosts in one process never mix their series.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    private static readonly double[] SecondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly double[] DefaultBuckets = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _instruments = new();
    private readonly IReadOnlyList<string> _prefixes;
    private readonly object? _scope;

    public PrometheusExporter(IReadOnlyList<string> prefixes, IMeterFactory? scope)
    {
        _prefixes = prefixes;
        _scope = scope;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (Wanted(instrument.Meter))
            {
                var state = _instruments.GetOrAdd(instrument, static i => new InstrumentState(i));
                listener.EnableMeasurementEvents(instrument, state);
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentState? _);
        _listener.SetMeasurementEventCallback<byte>(static (i, v, tags, s) => ((InstrumentState)s!).Record(v, tags));
        _listener.SetMeasurementEventCallback<short>(static (i, v, tags, s) => ((InstrumentState)s!).Record(v, tags));
        _listener.SetMeasurementEventCallback<int>(static (i, v, tags, s) => ((InstrumentState)s!).Record(v, tags));
        _listener.SetMeasurementEventCallback<long>(static (i, v, tags, s) => ((InstrumentState)s!).Record(v, tags));
        _listener.SetMeasurementEventCallback<float>(static (i, v, tags, s) => ((InstrumentState)s!).Record(v, tags));
        _listener.SetMeasurementEventCallback<double>(static (i, v, tags, s) => ((InstrumentState)s!).Record(v, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (i, v, tags, s) => ((InstrumentState)s!).Record((double)v, tags));
        _listener.Start();
    }

    /// <summary>Renders every collected instrument (observable ones are read now).</summary>
    public string Render()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder(4096);
        foreach (var group in _instruments.Values.GroupBy(s => s.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var first = group.First();
            text.Append("# HELP ").Append(group.Key).Append(' ').Append(Escape(first.Description, help: true)).Append('\n');
            text.Append("# TYPE ").Append(group.Key).Append(' ').Append(first.Type).Append('\n');
            foreach (var state in group)
            {
                state.Write(text);
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private bool Wanted(Meter meter) =>
        (meter.Scope is null || ReferenceEquals(meter.Scope, _scope)) &&
        _prefixes.Any(p => meter.Name.StartsWith(p, StringComparison.Ordinal));

    private static string Escape(string? value, bool help = false)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var escaped = value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        return help ? escaped : escaped.Replace("\"", "\\\"", StringComparison.Ordinal);
    }

    private static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_');
        }

        if (builder.Length > 0 && char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture);

    private enum Kind
    {
        Sum,
        ObservedSum,
        Last,
        Histogram,
    }

    /// <summary>One instrument's series, by tag set.</summary>
    private sealed class InstrumentState
    {
        private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);
        private readonly Kind _kind;
        private readonly double[] _buckets;

        public InstrumentState(Instrument instrument)
        {
            var type = instrument.GetType();
            var generic = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
            (_kind, Type) = generic.Name switch
            {
                "Counter`1" => (Kind.Sum, "counter"),
                "ObservableCounter`1" => (Kind.ObservedSum, "counter"),
                "UpDownCounter`1" => (Kind.Sum, "gauge"),
                "ObservableUpDownCounter`1" => (Kind.ObservedSum, "gauge"),
                "Histogram`1" => (Kind.Histogram, "histogram"),
                _ => (Kind.Last, "gauge"),
            };
            var unit = instrument.Unit switch
            {
                "s" => "_seconds",
                "ms" => "_milliseconds",
                "By" => "_bytes",
                _ => string.Empty,
            };
            var name = Sanitize(instrument.Name);
            if (!name.EndsWith(unit, StringComparison.Ordinal))
            {
                name += unit;
            }

            Name = Type == "counter" && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;
            Description = instrument.Description;
            _buckets = instrument.Unit == "s" ? SecondsBuckets : DefaultBuckets;
        }

        public string Name { get; }

        public string Type { get; }

        public string? Description { get; }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var series = _series.GetOrAdd(Labels(tags), _ => new Series(_buckets.Length));
            lock (series)
            {
                switch (_kind)
                {
                    case Kind.Sum:
                        series.Value += value;
                        break;
                    case Kind.ObservedSum:
                    case Kind.Last:
                        series.Value = value;
                        break;
                    case Kind.Histogram:
                        series.Count++;
                        series.Value += value;
                        for (var i = 0; i < _buckets.Length; i++)
                        {
                            if (value <= _buckets[i])
                            {
                                series.Buckets[i]++;
                                break;
                            }
                        }

                        break;
                }
            }
        }

        public void Write(StringBuilder text)
        {
            foreach (var (labels, series) in _series.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                lock (series)
                {
                    if (_kind != Kind.Histogram)
                    {
                        text.Append(Name).Append(Braces(labels)).Append(' ').Append(Number(series.Value)).Append('\n');
                        continue;
                    }

                    long cumulative = 0;
                    for (var i = 0; i < _buckets.Length; i++)
                    {
                        cumulative += series.Buckets[i];
                        text.Append(Name).Append("_bucket").Append(Braces(Join(labels, $"le=\"{Number(_buckets[i])}\""))).Append(' ').Append(cumulative).Append('\n');
                    }

                    text.Append(Name).Append("_bucket").Append(Braces(Join(labels, "le=\"+Inf\""))).Append(' ').Append(series.Count).Append('\n');
                    text.Append(Name).Append("_sum").Append(Braces(labels)).Append(' ').Append(Number(series.Value)).Append('\n');
                    text.Append(Name).Append("_count").Append(Braces(labels)).Append(' ').Append(series.Count).Append('\n');
                }
            }
        }

        private static string Join(string labels, string extra) => labels.Length == 0 ? extra : labels + "," + extra;

        private static string Braces(string labels) => labels.Length == 0 ? string.Empty : "{" + labels + "}";

        private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length == 0)
            {
                return string.Empty;
            }

            var pairs = new List<string>(tags.Length);
            foreach (var tag in tags)
            {
                pairs.Add($"{Sanitize(tag.Key)}=\"{Escape(Convert.ToString(tag.Value, CultureInfo.InvariantCulture))}\"");
            }

            pairs.Sort(StringComparer.Ordinal);
            return string.Join(',', pairs);
        }
    }

    private sealed class Series(int buckets)
    {
        public double Value { get; set; }

        public long Count { get; set; }

        public long[] Buckets { get; } = new long[buckets];
    }
}
