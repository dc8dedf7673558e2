namespace Fleet.Sdk.Config;

/// <summary>
/// Two names of one environment variable (<c>MAINPC_IP</c> and <c>MAIN_PC_IP</c>...) set to different values
/// where the topology never reads it. Fleet.Sdk itself is unaffected (the canonical name wins), but a Python
/// agent that reads the other name gets the other value: exactly the drift the legacy fleet suffered from.
/// Where the topology does read the variable, the interpolation reports the stronger FLEET005 instead.
/// </summary>
internal static class AliasDriftCheck
{
    private static readonly string[] SecretMarkers = ["PASSWORD", "SECRET", "TOKEN", "KEY"];

    public static IEnumerable<FleetDiagnostic> Run(IEnvironmentVariables environment, IReadOnlyList<AliasedEnvironmentVariable> aliases, IReadOnlyList<FleetDiagnostic> reported)
    {
        foreach (var variable in aliases)
        {
            if (!variable.Read(environment).IsConflict
                || reported.Any(d => d.Rule == FleetRules.AliasConflict && d.Message.Contains(variable.CanonicalName, StringComparison.Ordinal)))
            {
                continue;
            }

            var names = new[] { variable.CanonicalName }.Concat(variable.LegacyAliases).Where(n => environment.Get(n) is not null).ToList();
            var canonical = environment.Get(variable.CanonicalName) is not null ? variable.CanonicalName : names[0];
            var others = names.Where(n => n != canonical).ToList();
            yield return new FleetDiagnostic
            {
                Rule = FleetRules.AliasDrift,
                Location = SourceLocation.Of("environment"),
                Message = $"{string.Join(" and ", names.Select(n => $"{n}={Show(n, environment.Get(n)!)}"))} are set to different values. " +
                          $"Fleet.Sdk reads {canonical} ({(canonical == variable.CanonicalName ? "the canonical name" : "the first legacy name set")}); " +
                          $"a legacy agent that reads {string.Join(" or ", others)} gets another value.",
                Fix = $"unset {string.Join(" and ", variable.LegacyAliases.Where(a => environment.Get(a) is not null))}, or give every name the same value.",
            };
        }
    }

    /// <summary>The value as shown in the message; hidden when the variable's name says it may hold a secret.</summary>
    private static string Show(string name, string value) =>
        SecretMarkers.Any(m => name.Contains(m, StringComparison.OrdinalIgnoreCase)) ? "(value hidden)" : value;
}
