namespace Fleet.Sdk.Coordination;

/// <summary>The kinds of <see cref="RedisReply"/>.</summary>
public enum RedisReplyKind
{
    /// <summary>No value.</summary>
    Nil,

    /// <summary>An integer.</summary>
    Integer,

    /// <summary>A string.</summary>
    Text,

    /// <summary>An array of replies.</summary>
    Array,

    /// <summary>An error raised by the script or command.</summary>
    Error,
}
