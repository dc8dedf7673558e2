namespace Fleet.Sdk.Config;

/// <summary>
/// An environment variable known by its canonical name and by the legacy names the Python fleet
/// used for it (for example <c>MAINPC_IP</c>, formerly also <c>MAIN_PC_IP</c>).
/// </summary>
/// <remarks>
/// Reading it gives the canonical value when the canonical variable is set, otherwise the value of
/// the first legacy alias that is set (flagged, so the caller can warn). Two of its names set to
/// different values is a conflict: the caller must fail rather than guess which one is meant.
/// </remarks>
public sealed class AliasedEnvironmentVariable
{
    /// <summary>Creates a variable with its canonical name and legacy aliases.</summary>
    /// <param name="canonicalName">The name new deployments should use.</param>
    /// <param name="legacyAliases">Older names still honoured, in order of preference.</param>
    public AliasedEnvironmentVariable(string canonicalName, params string[] legacyAliases)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(canonicalName);
        ArgumentNullException.ThrowIfNull(legacyAliases);
        CanonicalName = canonicalName;
        LegacyAliases = [.. legacyAliases];
    }

    /// <summary>Gets the canonical name.</summary>
    public string CanonicalName { get; }

    /// <summary>Gets the legacy names, in order of preference.</summary>
    public IReadOnlyList<string> LegacyAliases { get; }

    /// <summary>Reads the variable from <paramref name="environment"/>.</summary>
    /// <param name="environment">The environment to read.</param>
    /// <returns>The value, which name supplied it, and any conflict between the names.</returns>
    public AliasedEnvironmentValue Read(IEnvironmentVariables environment)
    {
        ArgumentNullException.ThrowIfNull(environment);

        string? value = environment.Get(CanonicalName);
        string? source = value is null ? null : CanonicalName;
        List<string>? conflicting = null;

        foreach (var alias in LegacyAliases)
        {
            var aliasValue = environment.Get(alias);
            if (aliasValue is null)
            {
                continue;
            }

            if (value is null)
            {
                value = aliasValue;
                source = alias;
            }
            else if (!string.Equals(value, aliasValue, StringComparison.Ordinal))
            {
                conflicting ??= [];
                conflicting.Add(alias);
            }
        }

        // Values are never quoted in the message: some aliased variables hold secrets.
        string? conflict = null;
        if (conflicting is not null)
        {
            var names = string.Join(" and ", new[] { source! }.Concat(conflicting));
            var legacy = LegacyAliases.Where(a => environment.Get(a) is not null).ToList();
            conflict = $"Environment variables {names} are set to different values. {CanonicalName} is the canonical name " +
                       $"and {string.Join(", ", legacy)} {(legacy.Count == 1 ? "its legacy alias" : "its legacy aliases")}: " +
                       $"unset {string.Join(" and ", legacy)}, or give {(legacy.Count == 1 ? "both" : "all of them")} the same value.";
        }

        return new AliasedEnvironmentValue(this, value, source, conflict);
    }

    /// <inheritdoc />
    public override string ToString() =>
        LegacyAliases.Count == 0 ? CanonicalName : $"{CanonicalName} (legacy: {string.Join(", ", LegacyAliases)})";
}
