using System.Text.RegularExpressions;
using Fleet.Sdk.Benchmarks.Config;
using FsCheck;
using FsCheck.Fluent;

namespace Fleet.Sdk.Config.Tests.Fuzzing;

/// <summary>
/// The fuzzing suite of the topology readers (YAML, JSON, .env, interpolation): the checked-in corpus
/// of tests/Fixtures/fuzz/config (every repro of issue 15 items 3, 7 and 10), the large shapes of
/// item 8 and mutations and random inputs from FsCheck. (Item 10's million-value file is read in
/// <see cref="InputLimitsTests"/>, with the other input limits.) Each input gives a result or a clear error
/// within a time bound. FLEET_FUZZ_CASES sets how many generated cases each property runs (docs/testing.md).
/// </summary>
public sealed class TopologyFuzzTests
{
    private static readonly FsCheck.Config Cases = FsCheck.Config.QuickThrowOnFailure.WithMaxTest(FuzzInput.Cases).WithQuietOnSuccess(true);

    /// <summary>Pieces of YAML and JSON that parsers and the schema care about, to build hostile documents from.</summary>
    private static readonly string[] Tokens =
    [
        "version: 1\n", "machines:\n", "agents:\n", "settings:\n", "variables:\n", "deprecated:\n", "agent_groups:\n", "pc2_services:\n",
        "  m1: {}\n", "  M1: {}\n", "  A: { machine: m1, port: 7000 }\n", "  a:\n", "    port: 7005\n", "    Port: 1\n", "    dependencies: [A, B]\n",
        "  Agent: { Port: 1 }\n", "  \"A:B\": {}\n", "  - name: X\n", "<<: ", "&a ", "*a", "? ", ": ", "- ", "{", "}", "[", "]", ",", "\"", "'",
        "\\ud800", "\\u", "\u001b[31m", "\r", "\t", "\n", "  ", "    ", "#", "!!str ", "!tag ", "%YAML 1.2\n", "---\n", "...\n", "|\n", ">-\n",
        "${X}", "${A:-${B}}", "$$", "${", "}", "\0", "\ufeff", "1e400", "-0", "0x1F", "~", "null", "true", "\u202e", "\u2028",
    ];

    public static TheoryData<string> CorpusFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(FuzzInput.CorpusDirectory).Where(f => Path.GetExtension(f) is ".yaml" or ".json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    public static TheoryData<string> EnvCorpusFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(FuzzInput.CorpusDirectory, "env")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    /// <summary>
    /// interpolation.jsonl: one JSON string per line, so lone surrogates and control characters can be
    /// written; read with Regex.Unescape, since System.Text.Json refuses to make a string of a lone surrogate.
    /// </summary>
    private static List<string> InterpolationCorpus() =>
        File.ReadAllLines(Path.Combine(FuzzInput.CorpusDirectory, "interpolation.jsonl"))
            .Where(line => line.Length >= 2)
            .Select(line => Regex.Unescape(line[1..^1]))
            .ToList();

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Load_CorpusFile_ResultOrClearErrorWithinBound(string name)
    {
        var outcome = FuzzInput.Load([Path.Combine(FuzzInput.CorpusDirectory, name)]);

        Assert.NotEmpty(outcome);
    }

    [Theory]
    [MemberData(nameof(EnvCorpusFiles))]
    public void Load_CorpusDotEnv_ResultOrClearErrorWithinBound(string name)
    {
        using var temp = new TempDirectory();
        var topology = temp.WriteFile("fleet.yaml", "version: 1\nmachines:\n  m1: {}\nagents:\n  A: { machine: m1, port: \"${A:-7000}\" }\n");

        var outcome = FuzzInput.Load([topology], [Path.Combine(FuzzInput.CorpusDirectory, "env", name)]);

        Assert.NotEmpty(outcome);
    }

    [Fact]
    public void Interpolate_CorpusLines_ValueOrErrorWithinBound()
    {
        var lines = InterpolationCorpus();

        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            FuzzInput.Interpolate(line);
        }
    }

    /// <summary>Issue 15 item 8: shapes that once took 11 to over 20 s must end within the bound.</summary>
    [Theory]
    [InlineData("40k expressions in one value")]
    [InlineData("merge of 60k keys")]
    [InlineData("40k agents")]
    [InlineData("8k unknown dependencies")]
    public void Load_LargeShape_ResultWithinBound(string shape)
    {
        var text = shape switch
        {
            "40k expressions in one value" => HostileShapes.ManyExpressionsInOneValue(40_000),
            "merge of 60k keys" => HostileShapes.MergeOfManyKeys(60_000),
            "40k agents" => HostileShapes.ManyAgents(40_000),
            _ => HostileShapes.ManyUnknownDependencies(8_000),
        };

        Assert.StartsWith("loaded", FuzzInput.LoadText("fleet.yaml", text), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RandomYamlFromTokens_ResultOrClearError()
    {
        Check.One(Cases, Prop.ForAll(Arb.From(Gen.ListOf(Gen.Elements(Tokens)).Select(string.Concat)), text =>
            FuzzInput.LoadText("fleet.yaml", "version: 1\n" + text).Length > 0));
    }

    [Fact]
    public void Load_RandomJsonFromTokens_ResultOrClearError()
    {
        var json = Gen.ListOf(Gen.Elements("{", "}", "[", "]", ",", ":", "\"version\"", "\"machines\"", "\"agents\"", "\"m1\"", "\"A\"", "1", "1e400",
            "\"\\ud800\"", "\"\\u0000\"", "null", "true", "//c\n", "/*", " ", "\"port\"", "\"Port\"", "\"A:B\"")).Select(string.Concat);
        Check.One(Cases, Prop.ForAll(Arb.From(json), text => FuzzInput.LoadText("fleet.json", "{\"version\": 1," + text).Length > 0));
    }

    /// <summary>Random byte edits of each corpus file: flips, insertions of hostile bytes, cuts.</summary>
    [Fact]
    public void Load_MutatedCorpusFiles_ResultOrClearError()
    {
        var seeds = Directory.EnumerateFiles(FuzzInput.CorpusDirectory).Where(f => Path.GetExtension(f) is ".yaml" or ".json")
            .Select(path => (Name: Path.GetFileName(path), Bytes: File.ReadAllBytes(path)))
            .Where(seed => seed.Bytes.Length < 64 * 1024).ToArray();
        var edit = Gen.Zip(
            Gen.Zip(Gen.Choose(0, 2), Gen.Choose(0, int.MaxValue), (kind, at) => (Kind: kind, At: at)),
            Gen.Elements<byte>(0x00, 0x0a, 0x1b, 0x22, 0x26, 0x2a, 0x3a, 0x5b, 0x7b, 0x7d, 0x80, 0xc3, 0xed, 0xff),
            (where, value) => (where.Kind, where.At, Value: value));
        var cases = Gen.Zip(Gen.Elements(seeds), Gen.ListOf(edit), (seed, edits) => (Seed: seed, Edits: edits));
        Check.One(Cases, Prop.ForAll(Arb.From(cases), sample =>
        {
            var bytes = sample.Seed.Bytes.ToList();
            foreach (var (kind, at, value) in sample.Edits)
            {
                var index = bytes.Count == 0 ? 0 : at % bytes.Count;
                switch (kind)
                {
                    case 0 when bytes.Count > 0:
                        bytes[index] = value;
                        break;
                    case 1:
                        bytes.Insert(index, value);
                        break;
                    default:
                        bytes.RemoveRange(index, Math.Min(bytes.Count - index, 1 + (at % 8)));
                        break;
                }
            }

            return FuzzInput.LoadBytes(sample.Seed.Name, [.. bytes]).Length > 0;
        }));
    }

    [Fact]
    public void ParseDotEnv_RandomLines_EntriesOrClearError()
    {
        var line = Gen.ListOf(Gen.Elements("A", "_B", "1", "=", "export ", " ", "'", "\"", "\\", "#", "${A}", "$", "\r", "\u001b", "\0", "\ud800", "é", "\t"))
            .Select(string.Concat);
        Check.One(Cases, Prop.ForAll(Arb.From(Gen.ListOf(line).Select(lines => string.Join('\n', lines))), text => FuzzInput.ParseDotEnv(text).Length > 0));
    }

    [Fact]
    public void Interpolate_MutatedCorpusLines_ValueOrError()
    {
        var seeds = InterpolationCorpus().Where(s => s.Length < 4096).ToArray();
        var pieces = Gen.ListOf(Gen.Elements("$", "{", "}", ":", "-", "?", "+", "A", "X", "\ud800", "\u001b", "${", "}}"));
        var cases = Gen.Zip(Gen.Zip(Gen.Elements(seeds), pieces, (seed, insert) => (Seed: seed, Insert: insert)), Gen.Choose(0, int.MaxValue),
            (edit, at) => (edit.Seed, edit.Insert, At: at));
        Check.One(Cases, Prop.ForAll(Arb.From(cases), sample =>
        {
            var (seed, insert, at) = sample;
            var text = seed.Insert(seed.Length == 0 ? 0 : at % seed.Length, string.Concat(insert));
            return FuzzInput.Interpolate(text).Length > 0;
        }));
    }
}
