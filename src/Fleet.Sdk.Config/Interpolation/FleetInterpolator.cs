using System.Globalization;
using System.Text;

namespace Fleet.Sdk.Config;

/// <summary>
/// Strict interpolation of <c>${NAME}</c>, <c>${NAME:-default}</c>, <c>${NAME-default}</c>,
/// <c>${NAME:?message}</c>, <c>${NAME?message}</c>, <c>$$</c> (a literal <c>$</c>) and the legacy
/// arithmetic form <c>${NAME}+N</c> (the whole value: the variable's integer value plus N).
/// </summary>
/// <remarks>
/// An undefined variable is an error, never an empty string or a raw <c>${...}</c> left in the
/// value; every problem of a string is reported, not only the first. Variables with legacy aliases
/// (<see cref="LegacyEnvironmentAliases"/>) are read under any of their names: an alias works with
/// a warning naming the canonical name, two names with different values are an error. Parsing is
/// linear in the input with bounded nesting, so hostile input cannot hang or crash it.
/// </remarks>
public sealed class FleetInterpolator
{
    private readonly IEnvironmentVariables _variables;
    private readonly Dictionary<string, AliasedEnvironmentVariable> _aliases;

    /// <summary>Creates an interpolator that reads <paramref name="variables"/> with the legacy aliases of <see cref="LegacyEnvironmentAliases.All"/>.</summary>
    /// <param name="variables">Where variables are read.</param>
    public FleetInterpolator(IEnvironmentVariables variables)
        : this(variables, LegacyEnvironmentAliases.All)
    {
    }

    /// <summary>Creates an interpolator with its own table of aliased variables.</summary>
    /// <param name="variables">Where variables are read.</param>
    /// <param name="aliases">Variables known by several names.</param>
    public FleetInterpolator(IEnvironmentVariables variables, IEnumerable<AliasedEnvironmentVariable> aliases)
    {
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(aliases);
        _variables = variables;
        _aliases = new Dictionary<string, AliasedEnvironmentVariable>(StringComparer.Ordinal);
        foreach (var alias in aliases)
        {
            _aliases.TryAdd(alias.CanonicalName, alias);
            foreach (var legacy in alias.LegacyAliases)
            {
                _aliases.TryAdd(legacy, alias);
            }
        }
    }

    /// <summary>Gets a value indicating whether <paramref name="text"/> holds something interpolation would change (<c>${</c> or <c>$$</c>).</summary>
    /// <param name="text">The text.</param>
    /// <returns><see langword="true"/> when interpolation may change the text.</returns>
    public static bool ContainsExpression(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Contains("${", StringComparison.Ordinal) || text.Contains("$$", StringComparison.Ordinal);
    }

    /// <summary>Lists the variables <paramref name="text"/> refers to, in order, including those in defaults and messages.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The distinct variable names.</returns>
    public static IReadOnlyList<string> GetVariableNames(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var names = new List<string>();
        Collect(InterpolationParser.Parse(text).Parts, names);
        return names;

        static void Collect(IReadOnlyList<TemplatePart> parts, List<string> names)
        {
            foreach (var part in parts.OfType<VariablePart>())
            {
                if (!names.Contains(part.Name, StringComparer.Ordinal))
                {
                    names.Add(part.Name);
                }

                Collect(part.Argument, names);
            }
        }
    }

    /// <summary>Interpolates <paramref name="text"/>.</summary>
    /// <param name="text">The text, for example <c>${PORT_OFFSET}+7200</c> or <c>tcp://${MAINPC_IP:-127.0.0.1}:5600</c>.</param>
    /// <returns>The value, or every problem that prevented it.</returns>
    public FleetInterpolationResult Interpolate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains('$', StringComparison.Ordinal))
        {
            return new FleetInterpolationResult(text, [], isArithmetic: false);
        }

        var template = InterpolationParser.Parse(text);
        var problems = new List<FleetInterpolationProblem>();
        foreach (var syntax in template.Problems)
        {
            problems.Add(new FleetInterpolationProblem(FleetInterpolationProblemKind.Syntax, null, syntax.Offset, syntax.Length,
                $"invalid expression at offset {syntax.Offset}: {syntax.Message}. Write '$$' for a literal '$'.")
            {
                Occurrence = syntax.Occurrence,
            });
        }

        if (template.IsArithmetic)
        {
            return EvaluateArithmetic(template, problems);
        }

        var value = Evaluate(template.Parts, problems);
        return new FleetInterpolationResult(problems.Any(p => p.IsError) ? null : value, problems, isArithmetic: false);
    }

    /// <summary>Interpolates <paramref name="text"/> or throws, naming <paramref name="what"/> and every problem.</summary>
    /// <param name="text">The text.</param>
    /// <param name="what">What the text is, for the message: a configuration key or a file location.</param>
    /// <returns>The value.</returns>
    /// <exception cref="FleetConfigurationException">The text cannot be interpolated.</exception>
    public string InterpolateOrThrow(string text, string what)
    {
        var result = Interpolate(text);
        if (result.Value is not null)
        {
            return result.Value;
        }

        var errors = result.Problems.Where(p => p.IsError)
            .Select(p => new FleetConfigurationError(SourceLocation.Of(what), p.Message))
            .ToList();
        throw FleetConfigurationErrors.LoadFailed(errors);
    }

    private FleetInterpolationResult EvaluateArithmetic(ParsedTemplate template, List<FleetInterpolationProblem> problems)
    {
        var variable = template.ArithmeticVariable!;
        var operand = Evaluate([variable], problems);
        if (operand is null || problems.Any(p => p.IsError))
        {
            return new FleetInterpolationResult(null, problems, isArithmetic: true);
        }

        if (!long.TryParse(operand.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            problems.Add(new FleetInterpolationProblem(FleetInterpolationProblemKind.NotAnInteger, variable.Name, variable.Offset, variable.Length,
                $"{variable.Name} is '{FleetConfigurationErrors.Truncate(operand)}', not an integer, so '${{{variable.Name}}}+{template.ArithmeticAddend}' cannot be computed: " +
                $"set {variable.Name} to a whole number (for example 0).")
            {
                Occurrence = variable.Occurrence,
            });
            return new FleetInterpolationResult(null, problems, isArithmetic: true);
        }

        var sum = number + template.ArithmeticAddend;
        if (sum is > int.MaxValue or < int.MinValue)
        {
            problems.Add(new FleetInterpolationProblem(FleetInterpolationProblemKind.NotAnInteger, variable.Name, variable.Offset, variable.Length,
                $"{variable.Name}+{template.ArithmeticAddend} is {sum}, too large for a number here: check {variable.Name}.")
            {
                Occurrence = variable.Occurrence,
            });
            return new FleetInterpolationResult(null, problems, isArithmetic: true);
        }

        return new FleetInterpolationResult(sum.ToString(CultureInfo.InvariantCulture), problems, isArithmetic: true);
    }

    private string? Evaluate(IReadOnlyList<TemplatePart> parts, List<FleetInterpolationProblem> problems)
    {
        var builder = new StringBuilder();
        var failed = false;
        foreach (var part in parts)
        {
            if (part is LiteralPart literal)
            {
                builder.Append(literal.Text);
                continue;
            }

            var variable = (VariablePart)part;
            var value = Lookup(variable, problems, out var conflicted);
            if (conflicted)
            {
                failed = true;
                continue;
            }

            switch (variable.Operator)
            {
                case VariableOperator.None when value is null:
                    problems.Add(new FleetInterpolationProblem(FleetInterpolationProblemKind.UndefinedVariable, variable.Name, variable.Offset, variable.Length,
                        UndefinedMessage(variable.Name))
                    {
                        Occurrence = variable.Occurrence,
                    });
                    failed = true;
                    continue;
                case VariableOperator.DefaultIfUnsetOrEmpty when string.IsNullOrEmpty(value):
                case VariableOperator.DefaultIfUnset when value is null:
                    value = Evaluate(variable.Argument, problems);
                    if (value is null)
                    {
                        failed = true;
                        continue;
                    }

                    break;
                case VariableOperator.RequiredNonEmpty when string.IsNullOrEmpty(value):
                case VariableOperator.Required when value is null:
                    var scratch = new List<FleetInterpolationProblem>();
                    var message = Evaluate(variable.Argument, scratch) ?? variable.ArgumentText;
                    problems.Add(new FleetInterpolationProblem(FleetInterpolationProblemKind.RequiredVariableMissing, variable.Name, variable.Offset, variable.Length,
                        $"{variable.Name} is {(value is null ? "not set" : "empty")}: " +
                        (string.IsNullOrWhiteSpace(message) ? $"set {variable.Name}." : message))
                    {
                        Occurrence = variable.Occurrence,
                    });
                    failed = true;
                    continue;
            }

            builder.Append(value);
        }

        return failed ? null : builder.ToString();
    }

    private string? Lookup(VariablePart variable, List<FleetInterpolationProblem> problems, out bool conflicted)
    {
        conflicted = false;
        if (!_aliases.TryGetValue(variable.Name, out var aliased))
        {
            return _variables.Get(variable.Name);
        }

        var read = aliased.Read(_variables);
        if (read.IsConflict)
        {
            problems.Add(new FleetInterpolationProblem(FleetInterpolationProblemKind.AliasConflict, variable.Name, variable.Offset, variable.Length, read.Conflict!)
            {
                Occurrence = variable.Occurrence,
                CanonicalName = aliased.CanonicalName,
            });
            conflicted = true;
            return null;
        }

        var writtenLegacy = !string.Equals(variable.Name, aliased.CanonicalName, StringComparison.Ordinal);
        if (writtenLegacy)
        {
            problems.Add(new FleetInterpolationProblem(FleetInterpolationProblemKind.LegacyAlias, variable.Name, variable.Offset, variable.Length,
                $"${{{variable.Name}}} uses the legacy name {variable.Name}: write ${{{aliased.CanonicalName}}} (both names are read, {aliased.CanonicalName} first).")
            {
                Occurrence = variable.Occurrence,
                CanonicalName = aliased.CanonicalName,
            });
        }
        else if (read.IsFromLegacyAlias)
        {
            problems.Add(new FleetInterpolationProblem(FleetInterpolationProblemKind.LegacyAlias, read.SourceName, variable.Offset, variable.Length,
                $"{aliased.CanonicalName} is not set and its legacy alias {read.SourceName} is used instead: set {aliased.CanonicalName} and unset {read.SourceName}.")
            {
                Occurrence = variable.Occurrence,
                CanonicalName = aliased.CanonicalName,
            });
        }

        return read.Value;
    }

    internal static string UndefinedMessage(string name) =>
        $"variable {name} is not defined: set it in the environment or a .env file, declare a default under 'variables:' in the topology, or write ${{{name}:-default}}.";
}
