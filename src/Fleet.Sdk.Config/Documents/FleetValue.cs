using System.Diagnostics.CodeAnalysis;

namespace Fleet.Sdk.Config;

/// <summary>
/// A node of a configuration document (YAML or JSON) with the location it was read from: a
/// <see cref="FleetScalar"/>, a <see cref="FleetMapping"/> or a <see cref="FleetSequence"/>.
/// Free-form settings of agents and machines are kept as these trees, exactly as written.
/// </summary>
public abstract class FleetValue
{
    private protected FleetValue(SourceLocation location)
    {
        Location = location;
    }

    /// <summary>Gets where the value starts.</summary>
    public SourceLocation Location { get; }

    /// <summary>Gets a short name of the kind of value, for messages: <c>a scalar</c>, <c>a mapping</c>, <c>a list</c>.</summary>
    public abstract string KindName { get; }
}

/// <summary>How a scalar was written.</summary>
public enum FleetScalarStyle
{
    /// <summary>Unquoted: may stand for a number, a boolean or null.</summary>
    Plain,

    /// <summary>Quoted (or a block scalar): always a string.</summary>
    Quoted,
}

/// <summary>A single value: a string, number, boolean or null.</summary>
public sealed class FleetScalar : FleetValue
{
    /// <summary>Creates a scalar.</summary>
    /// <param name="value">The value, or <see langword="null"/> for null.</param>
    /// <param name="style">How it is written.</param>
    /// <param name="location">Where it was read from.</param>
    public FleetScalar(string? value, FleetScalarStyle style, SourceLocation location)
        : this(value, style, location, rawValue: null, raw: null)
    {
    }

    internal FleetScalar(string? value, FleetScalarStyle style, SourceLocation location, string? rawValue, RawSpan? raw)
        : base(location)
    {
        Value = value;
        Style = style;
        RawValue = rawValue ?? value;
        Raw = raw;
    }

    /// <summary>Gets the value (after interpolation, when the document was interpolated), or <see langword="null"/> for null.</summary>
    public string? Value { get; }

    /// <summary>Gets the value as written in the file, before interpolation.</summary>
    public string? RawValue { get; }

    /// <summary>Gets how the value is written.</summary>
    public FleetScalarStyle Style { get; }

    /// <summary>Gets a value indicating whether the value is null (<c>~</c>, <c>null</c> or nothing in YAML, <c>null</c> in JSON).</summary>
    public bool IsNull => Value is null;

    /// <summary>Gets a value indicating whether interpolation changed the value.</summary>
    public bool WasInterpolated => !string.Equals(Value, RawValue, StringComparison.Ordinal);

    /// <inheritdoc />
    public override string KindName => "a scalar";

    internal RawSpan? Raw { get; }

    /// <summary>Gets a value indicating whether interpolation failed (the problem is reported; the value is unknown, not null).</summary>
    internal bool InterpolationFailed { get; init; }

    internal FleetScalar WithValue(string? value) => new(value, Style, Location, RawValue, Raw);

    /// <inheritdoc />
    public override string ToString() => Value ?? "null";
}

/// <summary>One key and value of a <see cref="FleetMapping"/>.</summary>
/// <param name="Key">The key as written.</param>
/// <param name="Value">The value.</param>
/// <param name="KeyLocation">Where the key is written.</param>
public readonly record struct FleetMappingEntry(string Key, FleetValue Value, SourceLocation KeyLocation);

/// <summary>An ordered mapping of keys to values, as written.</summary>
public sealed class FleetMapping : FleetValue
{
    /// <summary>Creates a mapping.</summary>
    /// <param name="entries">The entries, in order; a key may not repeat.</param>
    /// <param name="location">Where the mapping starts.</param>
    public FleetMapping(IEnumerable<FleetMappingEntry> entries, SourceLocation location)
        : base(location)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Entries = [.. entries];
    }

    /// <summary>Gets an empty mapping with no location.</summary>
    public static FleetMapping Empty { get; } = new([], default);

    /// <summary>Gets the entries, in order.</summary>
    public IReadOnlyList<FleetMappingEntry> Entries { get; }

    /// <summary>Gets the number of entries.</summary>
    public int Count => Entries.Count;

    /// <inheritdoc />
    public override string KindName => "a mapping";

    /// <summary>Gets the value of <paramref name="key"/> (case-sensitive).</summary>
    /// <param name="key">The key.</param>
    /// <returns>The value, or <see langword="null"/> when the key is absent.</returns>
    public FleetValue? this[string key] => TryGetValue(key, out var value) ? value : null;

    /// <summary>Looks up <paramref name="key"/> (case-sensitive).</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value, when found.</param>
    /// <returns><see langword="true"/> when the key is present.</returns>
    public bool TryGetValue(string key, [NotNullWhen(true)] out FleetValue? value)
    {
        foreach (var entry in Entries)
        {
            if (string.Equals(entry.Key, key, StringComparison.Ordinal))
            {
                value = entry.Value;
                return true;
            }
        }

        value = null;
        return false;
    }
}

/// <summary>An ordered list of values.</summary>
public sealed class FleetSequence : FleetValue
{
    /// <summary>Creates a list.</summary>
    /// <param name="items">The items, in order.</param>
    /// <param name="location">Where the list starts.</param>
    public FleetSequence(IEnumerable<FleetValue> items, SourceLocation location)
        : base(location)
    {
        ArgumentNullException.ThrowIfNull(items);
        Items = [.. items];
    }

    /// <summary>Gets the items, in order.</summary>
    public IReadOnlyList<FleetValue> Items { get; }

    /// <inheritdoc />
    public override string KindName => "a list";
}
