namespace Fleet.Sdk.Config.Tests;

public sealed class InterpolationTests
{
    private static FleetInterpolator With(params (string Name, string Value)[] variables) => new(TestSupport.Env(variables));

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("${A}", "1")]
    [InlineData("x${A}y${B}z", "x1y2z")]
    [InlineData("${UNSET:-fallback}", "fallback")]
    [InlineData("${EMPTY:-fallback}", "fallback")]
    [InlineData("${EMPTY-fallback}", "")]
    [InlineData("${UNSET-fallback}", "fallback")]
    [InlineData("${A:-fallback}", "1")]
    [InlineData("${UNSET:-${B}}", "2")]
    [InlineData("${UNSET:-${ALSO_UNSET:-deep}}", "deep")]
    [InlineData("$$", "$")]
    [InlineData("$${A}", "${A}")]
    [InlineData("cost: $5", "cost: $5")]
    [InlineData("ends with $", "ends with $")]
    [InlineData("}{ stray braces", "}{ stray braces")]
    [InlineData("${A}+7200", "7201")]
    [InlineData("  ${A} + 7200 ", "7201")]
    [InlineData("${UNSET:-100}+5", "105")]
    [InlineData("${NEGATIVE}+10", "5")]
    [InlineData("tcp://host:${A}+5", "tcp://host:1+5")]
    public void Interpolate_ValidInput_ProducesValue(string text, string expected)
    {
        var result = With(("A", "1"), ("B", "2"), ("EMPTY", ""), ("NEGATIVE", "-5")).Interpolate(text);

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        Assert.Equal(expected, result.Value);
    }

    [Fact]
    public void Interpolate_UndefinedVariable_ErrorNamesVariableWithOffsetAndNoValue()
    {
        var result = With().Interpolate("port ${PORT_OFFSET}+7200 and ${PORT_OFFSET}");

        Assert.Null(result.Value);
        Assert.Equal(2, result.Problems.Count);
        Assert.All(result.Problems, p => Assert.Equal(FleetInterpolationProblemKind.UndefinedVariable, p.Kind));
        Assert.Equal([5, 29], result.Problems.Select(p => p.Offset));
        Assert.Equal([0, 1], result.Problems.Select(p => p.Occurrence));
        Assert.Contains("variable PORT_OFFSET is not defined", result.Problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("${PORT_OFFSET:-default}", result.Problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Interpolate_LegacyArithmeticWithUndefinedVariable_IsUndefinedNotRawString()
    {
        var result = With().Interpolate("${PORT_OFFSET}+7200");

        Assert.Null(result.Value);
        Assert.True(result.IsArithmetic);
        Assert.Equal(FleetInterpolationProblemKind.UndefinedVariable, Assert.Single(result.Problems).Kind);
    }

    [Fact]
    public void Interpolate_ArithmeticOnNonInteger_NotAnIntegerError()
    {
        var result = With(("PORT_OFFSET", "abc")).Interpolate("${PORT_OFFSET}+7200");

        var problem = Assert.Single(result.Problems);
        Assert.Equal(FleetInterpolationProblemKind.NotAnInteger, problem.Kind);
        Assert.Contains("PORT_OFFSET is 'abc', not an integer", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Interpolate_RequiredMissing_ErrorCarriesAuthorsMessage()
    {
        var result = With().Interpolate("${REDIS_URL:?set REDIS_URL to the fleet's Redis}");

        var problem = Assert.Single(result.Problems);
        Assert.Equal(FleetInterpolationProblemKind.RequiredVariableMissing, problem.Kind);
        Assert.Equal("REDIS_URL is not set: set REDIS_URL to the fleet's Redis", problem.Message);
    }

    [Fact]
    public void Interpolate_RequiredEmpty_ColonFormRejectsEmptyPlainFormAccepts()
    {
        var interpolator = With(("EMPTY", ""));

        Assert.Equal(FleetInterpolationProblemKind.RequiredVariableMissing, Assert.Single(interpolator.Interpolate("${EMPTY:?must not be empty}").Problems).Kind);
        Assert.Equal(string.Empty, interpolator.Interpolate("${EMPTY?must be set}").Value);
    }

    [Fact]
    public void Interpolate_DefaultNotUsed_UndefinedVariablesInsideItAreNotErrors()
    {
        var result = With(("A", "1")).Interpolate("${A:-${NOT_DEFINED}}");

        Assert.Equal("1", result.Value);
        Assert.Empty(result.Problems);
    }

    [Theory]
    [InlineData("${", "never closed")]
    [InlineData("${A", "never closed")]
    [InlineData("${}", "expected a variable name")]
    [InlineData("${1A}", "not a variable name")]
    [InlineData("${A B}", "unexpected ' '")]
    [InlineData("${A:x}", "unexpected ':'")]
    [InlineData("${A:-${B}", "never closed")]
    public void Interpolate_MalformedExpression_SyntaxProblem(string text, string expected)
    {
        var result = With(("A", "1"), ("B", "2")).Interpolate(text);

        Assert.Null(result.Value);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(FleetInterpolationProblemKind.Syntax, problem.Kind);
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Interpolate_EveryProblemOfOneString_ReportedTogether()
    {
        var result = With().Interpolate("${A} ${B:?need B} ${C");

        Assert.Equal(
            [FleetInterpolationProblemKind.Syntax, FleetInterpolationProblemKind.UndefinedVariable, FleetInterpolationProblemKind.RequiredVariableMissing],
            result.Problems.Select(p => p.Kind));
    }

    [Fact]
    public void Interpolate_NestingTooDeep_SyntaxProblemNotStackOverflow()
    {
        var text = string.Concat(Enumerable.Repeat("${A:-", 5000)) + "x" + new string('}', 5000);

        var result = With().Interpolate(text);

        Assert.Null(result.Value);
        Assert.Contains(result.Problems, p => p.Message.Contains("nested more than", StringComparison.Ordinal));
    }

    [Fact]
    public void Interpolate_CanonicalNameSetByLegacyAliasOnly_ValueWithWarningNamingCanonical()
    {
        var result = With(("MAIN_PC_IP", "10.0.0.2")).Interpolate("${MAINPC_IP}");

        Assert.Equal("10.0.0.2", result.Value);
        var warning = Assert.Single(result.Problems);
        Assert.Equal(FleetInterpolationProblemKind.LegacyAlias, warning.Kind);
        Assert.False(warning.IsError);
        Assert.Equal("MAINPC_IP", warning.CanonicalName);
        Assert.Contains("set MAINPC_IP and unset MAIN_PC_IP", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Interpolate_LegacyNameInText_ResolvesThroughCanonicalWithWarning()
    {
        var result = With(("MAINPC_IP", "10.0.0.2")).Interpolate("${MAIN_PC_IP}");

        Assert.Equal("10.0.0.2", result.Value);
        Assert.Contains("write ${MAINPC_IP}", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Interpolate_AliasAndCanonicalDiffer_ErrorNamingBothWithoutValues()
    {
        var result = With(("MAINPC_IP", "10.0.0.2"), ("MAIN_PC_IP", "10.0.0.9")).Interpolate("${MAINPC_IP}");

        Assert.Null(result.Value);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(FleetInterpolationProblemKind.AliasConflict, problem.Kind);
        Assert.Contains("MAINPC_IP and MAIN_PC_IP", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("10.0.0", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetVariableNames_NestedAndRepeated_DistinctInOrder()
    {
        Assert.Equal(["A", "B", "C"], FleetInterpolator.GetVariableNames("${A} ${B:-${C}} ${A}"));
    }

    [Fact]
    public void InterpolateOrThrow_Undefined_ThrowsNamingWhat()
    {
        var ex = Assert.Throws<FleetConfigurationException>(() => With().InterpolateOrThrow("${NOPE}", "Fleet:Discovery:Redis"));

        Assert.Contains("Fleet:Discovery:Redis: variable NOPE is not defined", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ContainsExpression_DetectsOnlyExpressionsAndEscapes()
    {
        Assert.True(FleetInterpolator.ContainsExpression("a ${B}"));
        Assert.True(FleetInterpolator.ContainsExpression("a $$ b"));
        Assert.False(FleetInterpolator.ContainsExpression("cost $5"));
    }
}
