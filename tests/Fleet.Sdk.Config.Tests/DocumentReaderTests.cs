using System.Text;

namespace Fleet.Sdk.Config.Tests;

public sealed class DocumentReaderTests
{
    private static FleetValue? Read(string path, string text, out List<FleetConfigurationError> errors)
    {
        errors = [];
        return DocumentReader.ReadBytes(path, Encoding.UTF8.GetBytes(text), errors);
    }

    [Fact]
    public void ReadYaml_Scalars_KeepLocationsStylesAndNulls()
    {
        var root = (FleetMapping)Read("a.yaml", "a: 1\nb: \"1\"\nc:\nd: ~\ne: |\n  block\n", out var errors)!;

        Assert.Empty(errors);
        var a = (FleetScalar)root["a"]!;
        Assert.Equal(new SourceLocation("a.yaml", 1, 4), a.Location);
        Assert.Equal(FleetScalarStyle.Plain, a.Style);
        Assert.Equal(FleetScalarStyle.Quoted, ((FleetScalar)root["b"]!).Style);
        Assert.True(((FleetScalar)root["c"]!).IsNull);
        Assert.True(((FleetScalar)root["d"]!).IsNull);
        Assert.Equal("block\n", ((FleetScalar)root["e"]!).Value);
        Assert.Equal(new SourceLocation("a.yaml", 2, 1), root.Entries[1].KeyLocation);
    }

    [Fact]
    public void ReadYaml_AnchorsAliasesAndMergeKeys_Resolved()
    {
        const string yaml = """
            defaults: &defaults
              required: true
              port: 1
            agent:
              <<: *defaults
              port: 2
            copy: *defaults
            """;

        var root = (FleetMapping)Read("a.yaml", yaml, out var errors)!;

        Assert.Empty(errors);
        var agent = (FleetMapping)root["agent"]!;
        Assert.Equal("2", ((FleetScalar)agent["port"]!).Value);
        Assert.Equal("true", ((FleetScalar)agent["required"]!).Value);
        Assert.Same(root["defaults"], root["copy"]);
    }

    [Fact]
    public void ReadYaml_Malformed_ErrorWithLineAndColumn()
    {
        Read("bad.yaml", "a:\n  b: 1\n c: 2\n", out var errors);

        var error = Assert.Single(errors);
        Assert.Equal("bad.yaml", error.Location.Source);
        Assert.Equal(3, error.Location.Line);
        Assert.StartsWith("malformed YAML:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Idx:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadYaml_TwoDocuments_Refused()
    {
        Read("two.yaml", "a: 1\n---\nb: 2\n", out var errors);

        Assert.Contains("more than one YAML document", Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n")]
    [InlineData("# only a comment\n")]
    [InlineData("~\n")]
    public void Read_EmptyDocument_EmptyError(string text)
    {
        Read("empty.yaml", text, out var errors);

        Assert.Contains("is empty", Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadYaml_AliasBomb_RefusedWithoutExpanding()
    {
        var yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 10; i++)
        {
            yaml.Append($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        }

        Read("bomb.yaml", yaml.ToString(), out var errors);

        Assert.Contains("alias bomb", Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadYaml_DeepNesting_RefusedWithoutStackOverflow()
    {
        var yaml = new string('[', 10_000) + new string(']', 10_000);

        Read("deep.yaml", yaml, out var errors);

        Assert.Single(errors);
    }

    [Fact]
    public void ReadYaml_UnknownAlias_Error()
    {
        Read("a.yaml", "a: *nothing\n", out var errors);

        Assert.Single(errors);
    }

    [Fact]
    public void ReadJson_ValuesAndLocations()
    {
        var root = (FleetMapping)Read("a.json", "{\n  \"port\": 7200,\n  \"name\": \"x\",\n  \"on\": true,\n  \"none\": null\n}", out var errors)!;

        Assert.Empty(errors);
        Assert.Equal(new SourceLocation("a.json", 2, 11), root["port"]!.Location);
        Assert.Equal(FleetScalarStyle.Plain, ((FleetScalar)root["port"]!).Style);
        Assert.Equal(FleetScalarStyle.Quoted, ((FleetScalar)root["name"]!).Style);
        Assert.Equal("true", ((FleetScalar)root["on"]!).Value);
        Assert.True(((FleetScalar)root["none"]!).IsNull);
    }

    [Fact]
    public void ReadJson_Malformed_ErrorWithLine()
    {
        Read("a.json", "{\n  \"a\": 1\n  \"b\": 2\n}", out var errors);

        var error = Assert.Single(errors);
        Assert.Equal(3, error.Location.Line);
        Assert.StartsWith("malformed JSON:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadBytes_NotUtf8_Error()
    {
        var errors = new List<FleetConfigurationError>();

        DocumentReader.ReadBytes("latin1.yaml", [0x61, 0x3a, 0x20, 0xe9, 0xff, 0x0a], errors);

        Assert.Contains("not UTF-8", Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_MissingAndDirectory_ClearErrors()
    {
        using var temp = new TempDirectory();
        var errors = new List<FleetConfigurationError>();

        DocumentReader.ReadFile(temp.Combine("nope.yaml"), errors);
        DocumentReader.ReadFile(temp.Path, errors);

        Assert.Contains("file not found", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("FLEET_CONFIG_DIR", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("is a directory", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadYaml_RandomBytes_NeverThrows()
    {
        var random = new Random(1234);
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            var text = Encoding.UTF8.GetString(bytes).Replace('\uFFFD', ':');
            var errors = new List<FleetConfigurationError>();
            var value = DocumentReader.ReadBytes(i % 2 == 0 ? "r.yaml" : "r.json", Encoding.UTF8.GetBytes(text), errors);
            Assert.True(value is not null || errors.Count > 0);
        }
    }

    [Fact]
    public void WriteYaml_RoundTrip_KeepsTypesAndQuotedNumbers()
    {
        var root = (FleetMapping)Read("a.yaml", "port: 7200\nid: \"7200\"\nflag: true\nname: 'yes'\nexpr: ${PORT_OFFSET}+7200\nlist: [a, b]\nempty: {}\n", out _)!;

        var written = YamlTreeWriter.Write(root);
        var again = (FleetMapping)Read("b.yaml", written, out var errors)!;

        Assert.Empty(errors);
        foreach (var entry in root.Entries.Where(e => e.Value is FleetScalar))
        {
            var before = (FleetScalar)entry.Value;
            var after = (FleetScalar)again[entry.Key]!;
            Assert.Equal(before.Value, after.Value);
            Assert.Equal(before.Style == FleetScalarStyle.Quoted && before.Value is "7200" or "yes", after.Style == FleetScalarStyle.Quoted);
        }
    }
}
