namespace Fleet.Sdk.Coordination;

/// <summary>A Redis reply in Fleet.Sdk's own type, so the client library can change without touching callers.</summary>
public sealed class RedisReply
{
    private static readonly IReadOnlyList<RedisReply> NoItems = [];

    private RedisReply(RedisReplyKind kind, long integer, string? text, IReadOnlyList<RedisReply>? items)
    {
        Kind = kind;
        Integer = integer;
        Text = text;
        Items = items ?? NoItems;
    }

    /// <summary>Gets the reply's kind.</summary>
    public RedisReplyKind Kind { get; }

    /// <summary>Gets the value of an integer reply (0 otherwise).</summary>
    public long Integer { get; }

    /// <summary>Gets the value of a text reply, or the message of an error reply.</summary>
    public string? Text { get; }

    /// <summary>Gets the items of an array reply (empty otherwise).</summary>
    public IReadOnlyList<RedisReply> Items { get; }

    /// <summary>Gets a value indicating whether this is the nil reply.</summary>
    public bool IsNil => Kind == RedisReplyKind.Nil;

    /// <summary>Gets a nil reply.</summary>
    public static RedisReply Nil { get; } = new(RedisReplyKind.Nil, 0, null, null);

    /// <summary>Creates an integer reply.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The reply.</returns>
    public static RedisReply FromInteger(long value) => new(RedisReplyKind.Integer, value, null, null);

    /// <summary>Creates a text reply.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The reply.</returns>
    public static RedisReply FromText(string value) => new(RedisReplyKind.Text, 0, value, null);

    /// <summary>Creates an error reply.</summary>
    /// <param name="message">The error.</param>
    /// <returns>The reply.</returns>
    public static RedisReply FromError(string message) => new(RedisReplyKind.Error, 0, message, null);

    /// <summary>Creates an array reply.</summary>
    /// <param name="items">The items.</param>
    /// <returns>The reply.</returns>
    public static RedisReply FromArray(IReadOnlyList<RedisReply> items) => new(RedisReplyKind.Array, 0, null, items);

    /// <summary>Gets the reply as text: the text, the integer in decimal, or <see langword="null"/>.</summary>
    /// <returns>The text.</returns>
    public string? AsText() => Kind switch
    {
        RedisReplyKind.Text => Text,
        RedisReplyKind.Integer => Integer.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        RedisReplyKind.Array => $"[{string.Join(", ", Items)}]",
        RedisReplyKind.Nil => "(nil)",
        _ => AsText() ?? Text ?? string.Empty,
    };
}
