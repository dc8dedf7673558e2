using System.Text.RegularExpressions;

namespace Fleet.Sdk.Config;

/// <summary>
/// Interpolates every scalar of unified-schema trees (keys and <c>variables:</c> excepted) and
/// applies the rules that read the text of values: bind-all addresses and literal private IPs.
/// Problems about one variable are gathered into one diagnostic listing every occurrence.
/// </summary>
internal sealed partial class InterpolationPass
{
    private readonly FleetInterpolator _interpolator;
    private readonly Dictionary<(FleetRule Rule, string Variable), List<Occurrence>> _grouped = [];
    private readonly Dictionary<(FleetRule Rule, string Variable), string> _groupMessages = [];
    private readonly List<FleetDiagnostic> _single = [];

    public InterpolationPass(FleetInterpolator interpolator)
    {
        _interpolator = interpolator;
    }

    public FleetMapping Run(FleetMapping tree)
    {
        var entries = new List<FleetMappingEntry>(tree.Count);
        foreach (var entry in tree.Entries)
        {
            entries.Add(Keys.Match(entry.Key, Keys.Variables) ? entry : entry with { Value = RunValue(entry.Value, [entry.Key]) });
        }

        return new FleetMapping(entries, tree.Location);
    }

    public FleetValue RunValue(FleetValue value, List<string> path)
    {
        switch (value)
        {
            case FleetScalar scalar:
                return RunScalar(scalar, path);
            case FleetMapping mapping:
            {
                var entries = new List<FleetMappingEntry>(mapping.Count);
                foreach (var entry in mapping.Entries)
                {
                    path.Add(entry.Key);
                    entries.Add(entry with { Value = RunValue(entry.Value, path) });
                    path.RemoveAt(path.Count - 1);
                }

                return new FleetMapping(entries, mapping.Location);
            }

            case FleetSequence sequence:
            {
                var items = new List<FleetValue>(sequence.Items.Count);
                for (var i = 0; i < sequence.Items.Count; i++)
                {
                    path.Add($"[{i}]");
                    items.Add(RunValue(sequence.Items[i], path));
                    path.RemoveAt(path.Count - 1);
                }

                return new FleetSequence(items, sequence.Location);
            }

            default:
                return value;
        }
    }

    /// <summary>The diagnostics found, one per variable for undefined, required and alias problems.</summary>
    public List<FleetDiagnostic> Diagnostics()
    {
        var result = new List<FleetDiagnostic>(_single);
        foreach (var ((rule, variable), occurrences) in _grouped)
        {
            var agents = occurrences.Select(o => o.Agent).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var first = occurrences[0];
            var uses = occurrences.Count == 1 ? "used once" : $"used {occurrences.Count} times";
            var agentText = agents.Count == 0 ? string.Empty : $" by {FormatList(agents)}";
            var message = rule == FleetRules.UndefinedVariable
                ? $"variable {variable} is not defined; it is {uses}{agentText}"
                : $"{_groupMessages[(rule, variable)].TrimEnd('.')} ({uses}{agentText})";
            result.Add(new FleetDiagnostic
            {
                Rule = rule,
                Message = message,
                Location = first.Location,
                Related = occurrences.Count == 1 ? [] : occurrences.Select(o => new FleetRelatedLocation(o.Location, o.Describe())).ToList(),
                Agents = agents,
                Fix = rule == FleetRules.UndefinedVariable
                    ? $"set {variable} in the environment or a .env file beside the topology file, declare it under 'variables:' in the unified topology, or give a default: ${{{variable}:-default}}."
                    : rule == FleetRules.RequiredVariable
                        ? $"set {variable} in the environment or a .env file."
                        : rule == FleetRules.LegacyAlias
                            ? "use the canonical variable name in files and in the environment."
                            : $"give {variable} one value: unset the legacy name, or set both names to the same value.",
            });
        }

        return result;
    }

    private FleetScalar RunScalar(FleetScalar scalar, List<string> path)
    {
        var raw = scalar.RawValue;
        if (raw is null)
        {
            return scalar;
        }

        var context = new Context(path);
        var value = raw;
        var failed = false;
        if (raw.Contains('$', StringComparison.Ordinal))
        {
            var result = _interpolator.Interpolate(raw);
            foreach (var problem in result.Problems)
            {
                Report(problem, scalar, context, raw);
            }

            failed = !result.Succeeded;
            value = result.Value;
        }

        CheckText(scalar, context, raw, value);
        if (failed)
        {
            return new FleetScalar(null, scalar.Style, scalar.Location, raw, scalar.Raw) { InterpolationFailed = true };
        }

        return ReferenceEquals(value, raw) || string.Equals(value, scalar.Value, StringComparison.Ordinal) ? scalar : scalar.WithValue(value);
    }

    private void Report(FleetInterpolationProblem problem, FleetScalar scalar, Context context, string raw)
    {
        var location = Locate(scalar, problem.Occurrence, problem.Offset);
        var occurrence = new Occurrence(location, context.Agent, context.Path, raw);
        switch (problem.Kind)
        {
            case FleetInterpolationProblemKind.UndefinedVariable:
                Group(FleetRules.UndefinedVariable, problem.Variable!, occurrence, problem.Message);
                break;
            case FleetInterpolationProblemKind.RequiredVariableMissing:
                Group(FleetRules.RequiredVariable, problem.Variable!, occurrence, problem.Message);
                break;
            case FleetInterpolationProblemKind.AliasConflict:
                Group(FleetRules.AliasConflict, problem.CanonicalName ?? problem.Variable!, occurrence, problem.Message);
                break;
            case FleetInterpolationProblemKind.LegacyAlias:
                Group(FleetRules.LegacyAlias, problem.Variable!, occurrence, problem.Message);
                break;
            case FleetInterpolationProblemKind.NotAnInteger:
                _single.Add(new FleetDiagnostic
                {
                    Rule = FleetRules.InvalidValue,
                    Message = $"{context.Subject}: {problem.Message}",
                    Location = location,
                    Agents = context.Agent is null ? [] : [context.Agent],
                    Fix = $"set {problem.Variable} to a whole number.",
                });
                break;
            default:
                _single.Add(new FleetDiagnostic
                {
                    Rule = FleetRules.InterpolationSyntax,
                    Message = $"{context.Subject}: '{FleetConfigurationErrors.Truncate(raw)}' has an {problem.Message}",
                    Location = location,
                    Agents = context.Agent is null ? [] : [context.Agent],
                    Fix = "write ${NAME}, ${NAME:-default} or ${NAME:?message}, with a closing '}'; '$$' is a literal '$'.",
                });
                break;
        }
    }

    private void Group(FleetRule rule, string variable, Occurrence occurrence, string message)
    {
        if (!_grouped.TryGetValue((rule, variable), out var list))
        {
            _grouped[(rule, variable)] = list = [];
            _groupMessages[(rule, variable)] = message;
        }

        list.Add(occurrence);
    }

    private void CheckText(FleetScalar scalar, Context context, string raw, string? value)
    {
        if (value is not null && BindAll().IsMatch(value))
        {
            _single.Add(new FleetDiagnostic
            {
                Rule = FleetRules.BindAllInterfaces,
                Message = $"{context.Subject} is '{FleetConfigurationErrors.Truncate(value)}', which binds every network interface",
                Location = scalar.Location,
                Agents = context.Agent is null ? [] : [context.Agent],
                Machine = context.Machine,
                Fix = "bind to the machine's own address (its 'host' in machines:) or 127.0.0.1 for local-only services; " +
                      "cross-machine traffic should go through authenticated, encrypted sockets.",
            });
        }

        if (context.IsMachineHost || !raw.Any(char.IsAsciiDigit))
        {
            return;
        }

        var literal = raw.Contains('$', StringComparison.Ordinal) ? LiteralText(raw) : raw;
        foreach (Match match in Ipv4().Matches(literal))
        {
            if (!IsPrivate(match.Value))
            {
                continue;
            }

            _single.Add(new FleetDiagnostic
            {
                Rule = FleetRules.HardCodedAddress,
                Message = $"{context.Subject} hard-codes the private address {match.Value}",
                Location = scalar.Raw?.Locate(match.Value, 0) ?? scalar.Location,
                Agents = context.Agent is null ? [] : [context.Agent],
                Machine = context.Machine,
                Fix = "set the address once, as the machine's 'host' under machines: (or in overrides/{machine}.yaml), and refer to it " +
                      "with a variable such as ${MAINPC_IP} or ${PC2_IP}.",
            });
        }
    }

    private static string LiteralText(string raw)
    {
        var parsed = InterpolationParser.Parse(raw);
        return string.Concat(parsed.Parts.OfType<LiteralPart>().Select(p => p.Text + " "));
    }

    private static bool IsPrivate(string address)
    {
        var octets = address.Split('.').Select(o => int.TryParse(o, out var n) ? n : -1).ToArray();
        if (octets.Any(o => o is < 0 or > 255))
        {
            return false;
        }

        return octets[0] == 10 || (octets[0] == 172 && octets[1] is >= 16 and <= 31) || (octets[0] == 192 && octets[1] == 168);
    }

    private static SourceLocation Locate(FleetScalar scalar, int occurrence, int offset)
    {
        var located = scalar.Raw?.Locate("${", occurrence);
        if (located is { } found)
        {
            return found;
        }

        var quote = scalar.Style == FleetScalarStyle.Quoted ? 1 : 0;
        return scalar.Location.Line > 0 ? scalar.Location with { Column = scalar.Location.Column + quote + offset } : scalar.Location;
    }

    private static string FormatList(List<string> items) =>
        items.Count <= 6 ? string.Join(", ", items) : string.Join(", ", items.Take(6)) + $" and {items.Count - 6} more";

    [GeneratedRegex(@"(^|[^\d.])0\.0\.0\.0($|[^\d.])|^\s*(::|\[::\]|\*)\s*$|tcp://\*:|tcp://\[::\]:")]
    private static partial Regex BindAll();

    [GeneratedRegex(@"(?<![\d.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\d.])")]
    private static partial Regex Ipv4();

    /// <summary>Where a scalar is in the unified tree: which agent or machine, and the key path.</summary>
    private sealed class Context
    {
        public Context(List<string> path)
        {
            Path = string.Join('.', path).Replace(".[", "[", StringComparison.Ordinal);
            if (path.Count >= 2 && Keys.Match(path[0], Keys.Agents))
            {
                Agent = path[1];
                Subject = path.Count > 2 ? $"agent {path[1]} {string.Join('.', path.Skip(2)).Replace(".[", "[", StringComparison.Ordinal)}" : $"agent {path[1]}";
            }
            else if (path.Count >= 2 && Keys.Match(path[0], Keys.Machines))
            {
                Machine = path[1];
                IsMachineHost = path.Count == 3 && Keys.Match(path[2], Keys.Host);
                Subject = path.Count > 2 ? $"machine {path[1]} {string.Join('.', path.Skip(2))}" : $"machine {path[1]}";
            }
            else
            {
                Subject = $"'{Path}'";
            }
        }

        public string Path { get; }

        public string? Agent { get; }

        public string? Machine { get; }

        public bool IsMachineHost { get; }

        public string Subject { get; }
    }

    private sealed record Occurrence(SourceLocation Location, string? Agent, string Path, string Text)
    {
        public string Describe() => Agent is null ? $"{Path}: {FleetConfigurationErrors.Truncate(Text, 60)}" : $"{Agent} {LastKey()}: {FleetConfigurationErrors.Truncate(Text, 60)}";

        private string LastKey()
        {
            var agentsPrefix = Path.IndexOf('.', StringComparison.Ordinal);
            var afterAgents = agentsPrefix < 0 ? Path : Path[(agentsPrefix + 1)..];
            var dot = afterAgents.IndexOf('.', StringComparison.Ordinal);
            return dot < 0 ? string.Empty : afterAgents[(dot + 1)..];
        }
    }
}
