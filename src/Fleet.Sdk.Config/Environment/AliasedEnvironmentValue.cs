namespace Fleet.Sdk.Config;

/// <summary>The result of reading an <see cref="AliasedEnvironmentVariable"/>.</summary>
/// <param name="Variable">The variable that was read.</param>
/// <param name="Value">The value, or <see langword="null"/> when none of its names is set.</param>
/// <param name="SourceName">The name that supplied <paramref name="Value"/>.</param>
/// <param name="Conflict">A description of the conflict when two names hold different values, with how to fix it; otherwise <see langword="null"/>.</param>
public readonly record struct AliasedEnvironmentValue(
    AliasedEnvironmentVariable Variable,
    string? Value,
    string? SourceName,
    string? Conflict)
{
    /// <summary>Gets a value indicating whether one of the names is set.</summary>
    public bool HasValue => Value is not null;

    /// <summary>Gets a value indicating whether the value came from a legacy alias (the caller should warn and name <see cref="AliasedEnvironmentVariable.CanonicalName"/>).</summary>
    public bool IsFromLegacyAlias => SourceName is not null && !string.Equals(SourceName, Variable.CanonicalName, StringComparison.Ordinal);

    /// <summary>Gets a value indicating whether two names are set to different values.</summary>
    public bool IsConflict => Conflict is not null;
}
