namespace Fleet.Sdk.Testing;

/// <summary>
/// A toxic: its type, the direction it acts on, how often it applies, and its integer attributes.
/// The factory methods build each type Toxiproxy knows with its attributes named correctly.
/// </summary>
public sealed record ToxiproxyToxic
{
    /// <summary>Gets the toxic's name, unique on its proxy across both directions.</summary>
    /// <value>The default value is <see langword="null"/>: the server names it <c>{type}_{stream}</c>.</value>
    public string? Name { get; init; }

    /// <summary>Gets the toxic type: <c>latency</c>, <c>bandwidth</c>, <c>slow_close</c>, <c>timeout</c>, <c>reset_peer</c>, <c>slicer</c>, <c>limit_data</c> or <c>noop</c>.</summary>
    public required string Type { get; init; }

    /// <summary>Gets the direction the toxic acts on.</summary>
    /// <value>The default value is <see cref="ToxicStream.Downstream"/>, as in Toxiproxy.</value>
    public ToxicStream Stream { get; init; } = ToxicStream.Downstream;

    /// <summary>Gets the probability, drawn per connection and direction, that the toxic applies.</summary>
    /// <value>The default value is 1: always.</value>
    public float Toxicity { get; init; } = 1f;

    /// <summary>Gets the type's attributes (milliseconds, KB/s, bytes...); missing ones are 0.</summary>
    /// <value>The default value is empty.</value>
    public IReadOnlyDictionary<string, long> Attributes { get; init; } = new Dictionary<string, long>();

    /// <summary>Delays each chunk by <paramref name="latency"/> +/- <paramref name="jitter"/>.</summary>
    /// <param name="latency">The delay.</param>
    /// <param name="jitter">The random variation either way.</param>
    /// <param name="stream">The direction.</param>
    /// <param name="name">The name, or <see langword="null"/> for <c>latency_{stream}</c>.</param>
    /// <returns>The toxic.</returns>
    public static ToxiproxyToxic Latency(TimeSpan latency, TimeSpan jitter = default, ToxicStream stream = ToxicStream.Downstream, string? name = null) =>
        Create("latency", stream, name, ("latency", Ms(latency)), ("jitter", Ms(jitter)));

    /// <summary>Limits the rate to <paramref name="kilobytesPerSecond"/> (1 KB = 1000 bytes).</summary>
    /// <param name="kilobytesPerSecond">The rate.</param>
    /// <param name="stream">The direction.</param>
    /// <param name="name">The name, or <see langword="null"/> for <c>bandwidth_{stream}</c>.</param>
    /// <returns>The toxic.</returns>
    public static ToxiproxyToxic Bandwidth(long kilobytesPerSecond, ToxicStream stream = ToxicStream.Downstream, string? name = null) =>
        Create("bandwidth", stream, name, ("rate", kilobytesPerSecond));

    /// <summary>Delays the close of the connection by <paramref name="delay"/> after the end of the stream.</summary>
    /// <param name="delay">The delay.</param>
    /// <param name="stream">The direction.</param>
    /// <param name="name">The name, or <see langword="null"/> for <c>slow_close_{stream}</c>.</param>
    /// <returns>The toxic.</returns>
    public static ToxiproxyToxic SlowClose(TimeSpan delay, ToxicStream stream = ToxicStream.Downstream, string? name = null) =>
        Create("slow_close", stream, name, ("delay", Ms(delay)));

    /// <summary>Drops all data, and closes the connection after <paramref name="timeout"/> (<see cref="TimeSpan.Zero"/>: never).</summary>
    /// <param name="timeout">When to close; zero holds the connection open, silent, until the toxic is removed.</param>
    /// <param name="stream">The direction.</param>
    /// <param name="name">The name, or <see langword="null"/> for <c>timeout_{stream}</c>.</param>
    /// <returns>The toxic.</returns>
    public static ToxiproxyToxic Timeout(TimeSpan timeout, ToxicStream stream = ToxicStream.Downstream, string? name = null) =>
        Create("timeout", stream, name, ("timeout", Ms(timeout)));

    /// <summary>Resets the connection (ECONNRESET) <paramref name="timeout"/> after data arrives.</summary>
    /// <param name="timeout">The delay before the reset.</param>
    /// <param name="stream">The direction.</param>
    /// <param name="name">The name, or <see langword="null"/> for <c>reset_peer_{stream}</c>.</param>
    /// <returns>The toxic.</returns>
    public static ToxiproxyToxic ResetPeer(TimeSpan timeout = default, ToxicStream stream = ToxicStream.Downstream, string? name = null) =>
        Create("reset_peer", stream, name, ("timeout", Ms(timeout)));

    /// <summary>Cuts data into pieces of about <paramref name="averageSize"/> bytes, <paramref name="delay"/> apart.</summary>
    /// <param name="averageSize">The average piece size in bytes.</param>
    /// <param name="sizeVariation">The variation either way in bytes.</param>
    /// <param name="delay">The pause between pieces (sent in microseconds).</param>
    /// <param name="stream">The direction.</param>
    /// <param name="name">The name, or <see langword="null"/> for <c>slicer_{stream}</c>.</param>
    /// <returns>The toxic.</returns>
    public static ToxiproxyToxic Slicer(long averageSize, long sizeVariation = 0, TimeSpan delay = default, ToxicStream stream = ToxicStream.Downstream, string? name = null) =>
        Create("slicer", stream, name, ("average_size", averageSize), ("size_variation", sizeVariation), ("delay", (long)delay.TotalMicroseconds));

    /// <summary>Forwards exactly <paramref name="bytes"/> bytes per connection, then closes it.</summary>
    /// <param name="bytes">The byte budget.</param>
    /// <param name="stream">The direction.</param>
    /// <param name="name">The name, or <see langword="null"/> for <c>limit_data_{stream}</c>.</param>
    /// <returns>The toxic.</returns>
    public static ToxiproxyToxic LimitData(long bytes, ToxicStream stream = ToxicStream.Downstream, string? name = null) =>
        Create("limit_data", stream, name, ("bytes", bytes));

    private static long Ms(TimeSpan value) => (long)value.TotalMilliseconds;

    private static ToxiproxyToxic Create(string type, ToxicStream stream, string? name, params (string Key, long Value)[] attributes) => new()
    {
        Name = name,
        Type = type,
        Stream = stream,
        Attributes = attributes.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal),
    };
}
