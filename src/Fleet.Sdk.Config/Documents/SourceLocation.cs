namespace Fleet.Sdk.Config;

/// <summary>
/// Where a value was written: a file with its 1-based line and column, or another source such as
/// a configuration key or an environment variable (then <see cref="Line"/> is 0).
/// </summary>
/// <param name="Source">The file path as it was given, or a description of the source.</param>
/// <param name="Line">The 1-based line, or 0 when the source has no lines.</param>
/// <param name="Column">The 1-based column, or 0 when the source has no lines.</param>
public readonly record struct SourceLocation(string Source, int Line, int Column)
{
    /// <summary>Gets a value indicating whether the location is unknown.</summary>
    public bool IsUnknown => string.IsNullOrEmpty(Source);

    /// <summary>Creates a location without line information, such as a configuration key.</summary>
    /// <param name="source">The description of the source.</param>
    /// <returns>The location.</returns>
    public static SourceLocation Of(string source) => new(source, 0, 0);

    /// <summary>Formats the location as <c>file:line:column</c>, or the source alone when it has no lines.</summary>
    /// <returns>The formatted location.</returns>
    public override string ToString() =>
        IsUnknown ? "(unknown)" : Line > 0 ? $"{Source}:{Line}:{Column}" : Source;

    /// <summary>Formats the location as <c>file:line</c> (no column), or the source alone when it has no lines.</summary>
    /// <returns>The formatted location.</returns>
    public string ToShortString() =>
        IsUnknown ? "(unknown)" : Line > 0 ? $"{Source}:{Line}" : Source;
}
