using System.Globalization;
using System.Text;

namespace Fleet.Sdk.Config;

/// <summary>The operator of a <c>${...}</c> expression.</summary>
internal enum VariableOperator
{
    /// <summary><c>${NAME}</c>: the value; undefined is an error.</summary>
    None,

    /// <summary><c>${NAME:-default}</c>: the default when unset or empty.</summary>
    DefaultIfUnsetOrEmpty,

    /// <summary><c>${NAME-default}</c>: the default when unset.</summary>
    DefaultIfUnset,

    /// <summary><c>${NAME:?message}</c>: an error with the message when unset or empty.</summary>
    RequiredNonEmpty,

    /// <summary><c>${NAME?message}</c>: an error with the message when unset.</summary>
    Required,
}

internal abstract record TemplatePart(int Offset);

internal sealed record LiteralPart(int Offset, string Text) : TemplatePart(Offset);

/// <summary>A <c>${...}</c> expression; <paramref name="Occurrence"/> counts the <c>${</c> tokens before it in the text.</summary>
internal sealed record VariablePart(int Offset, int Length, int Occurrence, string Name, VariableOperator Operator, IReadOnlyList<TemplatePart> Argument, string ArgumentText)
    : TemplatePart(Offset);

internal sealed record SyntaxProblem(int Offset, int Length, int Occurrence, string Message);

/// <summary>A parsed string: parts, syntax problems, and the legacy arithmetic form when the whole string is <c>${...}+N</c>.</summary>
internal sealed record ParsedTemplate(
    IReadOnlyList<TemplatePart> Parts,
    IReadOnlyList<SyntaxProblem> Problems,
    VariablePart? ArithmeticVariable,
    long ArithmeticAddend)
{
    public bool IsArithmetic => ArithmeticVariable is not null;
}

/// <summary>
/// Parses <c>${NAME}</c>, <c>${NAME:-default}</c>, <c>${NAME-default}</c>, <c>${NAME:?message}</c>,
/// <c>${NAME?message}</c>, nested expressions in defaults and messages, <c>$$</c> for a literal
/// <c>$</c>, and the legacy <c>${NAME}+N</c>. Linear in the input, bounded nesting, never throws:
/// malformed input yields <see cref="SyntaxProblem"/>s.
/// </summary>
internal static class InterpolationParser
{
    public const int MaxNesting = 8;

    public static ParsedTemplate Parse(string text)
    {
        var state = new ParserState(text);
        var pos = 0;
        var parts = ParseSequence(state, ref pos, depth: 0, inArgument: false);
        var problems = state.Problems;

        VariablePart? arithmetic = null;
        long addend = 0;
        if (problems.Count == 0)
        {
            if (TryArithmetic(parts, out var variable, out var number, out var error))
            {
                arithmetic = variable;
                addend = number;
            }
            else if (error is not null)
            {
                problems.Add(error);
            }
        }

        return new ParsedTemplate(parts, problems, arithmetic, addend);
    }

    /// <summary>Whether the text holds anything the parser treats specially (<c>${</c> or <c>$$</c>).</summary>
    public static bool MayContainExpression(string text) => text.Contains('$', StringComparison.Ordinal);

    private static List<TemplatePart> ParseSequence(ParserState state, ref int pos, int depth, bool inArgument)
    {
        var text = state.Text;
        var parts = new List<TemplatePart>();
        var literal = new StringBuilder();
        var literalStart = pos;

        void Flush()
        {
            if (literal.Length > 0)
            {
                parts.Add(new LiteralPart(literalStart, literal.ToString()));
                literal.Clear();
            }
        }

        while (pos < text.Length)
        {
            var c = text[pos];
            if (inArgument && c == '}')
            {
                break;
            }

            if (c == '$' && pos + 1 < text.Length)
            {
                var next = text[pos + 1];
                if (next == '$')
                {
                    if (literal.Length == 0)
                    {
                        literalStart = pos;
                    }

                    literal.Append('$');
                    pos += 2;
                    if (pos < text.Length && text[pos] == '{')
                    {
                        // "$${" is an escaped "${": its brace is literal, but it still counts as a "${" token in the source.
                        state.Occurrences++;
                        literal.Append('{');
                        pos++;
                    }

                    continue;
                }

                if (next == '{')
                {
                    Flush();
                    var part = ParseExpression(state, ref pos, depth);
                    if (part is not null)
                    {
                        parts.Add(part);
                    }

                    literalStart = pos;
                    continue;
                }
            }

            if (literal.Length == 0)
            {
                literalStart = pos;
            }

            literal.Append(c);
            pos++;
        }

        Flush();
        return parts;
    }

    private static VariablePart? ParseExpression(ParserState state, ref int pos, int depth)
    {
        var text = state.Text;
        var start = pos;
        var occurrence = state.Occurrences++;
        pos += 2;

        if (depth >= MaxNesting)
        {
            return Fail(state, ref pos, start, occurrence, $"expressions are nested more than {MaxNesting} levels deep");
        }

        var nameStart = pos;
        while (pos < text.Length && (char.IsAsciiLetterOrDigit(text[pos]) || text[pos] == '_'))
        {
            pos++;
        }

        var name = text[nameStart..pos];
        if (name.Length == 0)
        {
            return Fail(state, ref pos, start, occurrence, "expected a variable name after '${' (letters, digits and '_', not starting with a digit)");
        }

        if (char.IsAsciiDigit(name[0]))
        {
            return Fail(state, ref pos, start, occurrence, $"'{name}' is not a variable name: names start with a letter or '_'");
        }

        if (pos >= text.Length)
        {
            return Unterminated(state, ref pos, start, occurrence);
        }

        var op = VariableOperator.None;
        switch (text[pos])
        {
            case '}':
                pos++;
                return new VariablePart(start, pos - start, occurrence, name, op, [], string.Empty);
            case ':' when pos + 1 < text.Length && text[pos + 1] == '-':
                op = VariableOperator.DefaultIfUnsetOrEmpty;
                pos += 2;
                break;
            case ':' when pos + 1 < text.Length && text[pos + 1] == '?':
                op = VariableOperator.RequiredNonEmpty;
                pos += 2;
                break;
            case '-':
                op = VariableOperator.DefaultIfUnset;
                pos++;
                break;
            case '?':
                op = VariableOperator.Required;
                pos++;
                break;
            default:
                return Fail(state, ref pos, start, occurrence,
                    $"unexpected '{text[pos]}' after '${{{name}': write ${{{name}}}, ${{{name}:-default}} or ${{{name}:?message}}");
        }

        var argumentStart = pos;
        var argument = ParseSequence(state, ref pos, depth + 1, inArgument: true);
        if (pos >= text.Length)
        {
            return Unterminated(state, ref pos, start, occurrence);
        }

        var argumentText = text[argumentStart..pos];
        pos++; // the closing brace
        return new VariablePart(start, pos - start, occurrence, name, op, argument, argumentText);
    }

    private static VariablePart? Unterminated(ParserState state, ref int pos, int start, int occurrence)
    {
        state.Problems.Add(new SyntaxProblem(start, state.Text.Length - start, occurrence, "'${' is never closed: add the closing '}'"));
        pos = state.Text.Length;
        return null;
    }

    /// <summary>Records a problem and skips to the brace that closes the expression (counting nested ones), or to the end.</summary>
    private static VariablePart? Fail(ParserState state, ref int pos, int start, int occurrence, string message)
    {
        var text = state.Text;
        var open = 1;
        while (pos < text.Length && open > 0)
        {
            if (text[pos] == '$' && pos + 1 < text.Length && text[pos + 1] == '{')
            {
                open++;
                state.Occurrences++;
                pos += 2;
                continue;
            }

            if (text[pos] == '}')
            {
                open--;
            }

            pos++;
        }

        if (open > 0)
        {
            state.Problems.Add(new SyntaxProblem(start, text.Length - start, occurrence, message + "; and '${' is never closed"));
            return null;
        }

        state.Problems.Add(new SyntaxProblem(start, pos - start, occurrence, message));
        return null;
    }

    private static bool TryArithmetic(List<TemplatePart> parts, out VariablePart? variable, out long addend, out SyntaxProblem? error)
    {
        variable = null;
        addend = 0;
        error = null;

        var meaningful = parts.Where(p => p is not LiteralPart { Text: var t } || !string.IsNullOrWhiteSpace(t)).ToList();
        if (meaningful.Count != 2 || meaningful[0] is not VariablePart candidate || meaningful[1] is not LiteralPart tail)
        {
            return false;
        }

        var trimmed = tail.Text.Trim();
        if (trimmed.Length < 2 || trimmed[0] != '+')
        {
            return false;
        }

        var digits = trimmed[1..].TrimStart();
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            return false;
        }

        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out addend) || addend > int.MaxValue)
        {
            error = new SyntaxProblem(tail.Offset, tail.Text.Length, candidate.Occurrence, $"'+{digits}' is too large for the legacy '${{VAR}}+N' form");
            return false;
        }

        variable = candidate;
        return true;
    }

    private sealed class ParserState(string text)
    {
        public string Text { get; } = text;

        public List<SyntaxProblem> Problems { get; } = [];

        public int Occurrences { get; set; }
    }
}
