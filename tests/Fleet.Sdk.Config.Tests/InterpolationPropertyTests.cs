using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;

namespace Fleet.Sdk.Config.Tests;

/// <summary>Random and hostile input never crashes, hangs or leaves a raw expression in a value.</summary>
public sealed class InterpolationPropertyTests
{
    private static readonly FleetInterpolator Interpolator = new(TestSupport.Env(("A", "1"), ("B", "two"), ("EMPTY", ""), ("MAINPC_IP", "10.0.0.2")));

    private static readonly FsCheck.Config Quick = FsCheck.Config.QuickThrowOnFailure.WithMaxTest(2_000).WithQuietOnSuccess(true);

    /// <summary>Strings made mostly of the characters the parser cares about.</summary>
    private static Gen<string> Hostile() =>
        Gen.ListOf(Gen.Elements("$", "{", "}", ":", "-", "?", "+", "A", "B", "UNSET", "EMPTY", "MAIN_PC_IP", "1", " ", "${", "$$", ":-", ":?", "\n", "\u00e9", "\0"))
            .Select(parts => string.Concat(parts));

    /// <summary>Well-formed templates over defined variables, with the value they must produce.</summary>
    private static Gen<(string Text, string Expected)> WellFormed()
    {
        var literal = Gen.Elements("x", "tcp://", ":", "/", "-", " ", "}", "{", "$5").Select(s => (s, s));
        var variable = Gen.Elements(("${A}", "1"), ("${B}", "two"), ("${UNSET:-d}", "d"), ("${EMPTY:-e}", "e"), ("${EMPTY-e}", ""), ("$$", "$"), ("${UNSET:-${A}}", "1"));
        return Gen.ListOf(Gen.OneOf(literal, variable))
            .Select(parts => (string.Concat(parts.Select(p => p.Item1)), string.Concat(parts.Select(p => p.Item2))))
            .Where(t => !t.Item1.Contains("${", StringComparison.Ordinal) || t.Item1.Contains("${", StringComparison.Ordinal));
    }

    [Fact]
    public void Interpolate_RandomUnicode_NeverThrowsAndValueOrErrors()
    {
        Check.One(Quick, Prop.ForAll(Arb.From(ArbMap.Default.GeneratorFor<string>().Where(s => s is not null)), text =>
        {
            var result = Interpolator.Interpolate(text);
            return result.Value is not null || result.Problems.Any(p => p.IsError);
        }));
    }

    [Fact]
    public void Interpolate_HostileInput_TerminatesWithValueWithoutRawExpressionOrErrors()
    {
        Check.One(Quick, Prop.ForAll(Arb.From(Hostile()), text =>
        {
            var result = Interpolator.Interpolate(text);
            if (result.Value is null)
            {
                return result.Problems.Any(p => p.IsError);
            }

            // A value never keeps an unresolved expression: every "${" in it came from "$${" in the input.
            return CountOf(result.Value, "${") <= CountOf(text, "$${");
        }));
    }

    [Fact]
    public void Interpolate_WellFormedTemplates_ProduceExpectedValue()
    {
        Check.One(Quick, Prop.ForAll(Arb.From(WellFormed()), sample =>
        {
            var result = Interpolator.Interpolate(sample.Text);
            return result.Value == sample.Expected || (result.IsArithmetic && result.Value is not null);
        }));
    }

    [Fact]
    public void Interpolate_TextWithoutDollar_ReturnedUnchanged()
    {
        Check.One(Quick, Prop.ForAll(Arb.From(ArbMap.Default.GeneratorFor<string>().Where(s => s is not null && !s.Contains('$'))), text =>
            Interpolator.Interpolate(text).Value == text));
    }

    [Fact]
    public void Interpolate_ProblemOffsets_AlwaysInsideText()
    {
        Check.One(Quick, Prop.ForAll(Arb.From(Hostile()), text =>
            Interpolator.Interpolate(text).Problems.All(p => p.Offset >= 0 && p.Offset <= text.Length && p.Offset + p.Length <= text.Length)));
    }

    [Fact]
    public void Interpolate_HugeHostileInputs_LinearTime()
    {
        // Bounded generously: this guards against quadratic or exponential blow-up, not a speed target.
        string[] inputs =
        [
            string.Concat(Enumerable.Repeat("${", 200_000)),
            string.Concat(Enumerable.Repeat("${A:-", 100_000)),
            string.Concat(Enumerable.Repeat("$$", 200_000)),
            string.Concat(Enumerable.Repeat("${A}", 100_000)),
            string.Concat(Enumerable.Repeat("}", 200_000)),
            string.Concat(Enumerable.Repeat("${UNSET}", 50_000)),
        ];

        foreach (var input in inputs)
        {
            var watch = Stopwatch.StartNew();
            var result = Interpolator.Interpolate(input);
            watch.Stop();
            Assert.True(result.Value is not null || result.Problems.Count > 0);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"{input[..10]}... took {watch.Elapsed}");
        }
    }

    private static int CountOf(string text, string token)
    {
        var count = 0;
        for (var i = text.IndexOf(token, StringComparison.Ordinal); i >= 0; i = text.IndexOf(token, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
