using System.Text;

namespace Fleet.Sdk.Config.Tests;

/// <summary>The input limits of docs/config.md: each refuses with its own, honestly named error.</summary>
public sealed class InputLimitsTests
{
    private static (FleetValue? Root, List<FleetConfigurationError> Errors) Read(string name, string text)
    {
        var errors = new List<FleetConfigurationError>();
        var root = DocumentReader.ReadBytes(name, Encoding.UTF8.GetBytes(text), errors);
        return (root, errors);
    }

    private static string FlowSequence(long count)
    {
        var text = new StringBuilder("values: [");
        for (var i = 0; i < count; i++)
        {
            text.Append(i == 0 ? "0" : ",0");
        }

        return text.Append("]\n").ToString();
    }

    [Fact]
    public void ReadYaml_OverAMillionNodesWithoutAliases_NotRefusedAsAliasBomb()
    {
        var (root, errors) = Read("big.yaml", FlowSequence(YamlTreeReader.MaxAliasExpansion + 10));

        Assert.Empty(errors);
        Assert.Equal(YamlTreeReader.MaxAliasExpansion + 10, ((FleetSequence)TreeHelpers.Get((FleetMapping)root!, "values")!).Items.Count);
    }

    [Fact]
    public void ReadYaml_OverTheNodeLimit_RefusedNamingTheNodeLimitNotAliases()
    {
        var (_, errors) = Read("huge.yaml", FlowSequence(YamlTreeReader.MaxWrittenNodes));

        var error = Assert.Single(errors);
        Assert.Contains("values (not counting aliases), the limit for one file", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("alias bomb", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadJson_OverTheNodeLimit_RefusedNamingTheNodeLimit()
    {
        var json = new StringBuilder("{\"values\": [0");
        json.Insert(json.Length, ",0", (int)DocumentReader.MaxValuesPerFile);
        json.Append("]}");

        var (root, errors) = Read("huge.json", json.ToString());

        Assert.Null(root);
        Assert.Contains("values (not counting aliases), the limit for one file", Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadYaml_AliasesExpandingPastTheLimit_RefusedAsAliasBomb()
    {
        var yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 7; i++)
        {
            yaml.Append($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        }

        var (_, errors) = Read("bomb.yaml", yaml.ToString());

        Assert.Contains("its aliases expand to more than 1,000,000 values", Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_EmptyDotEnv_ReadsNoVariables()
    {
        using var temp = new TempDirectory();
        var errors = new List<FleetConfigurationError>();

        var file = DotEnvFile.TryLoad(temp.WriteFile(".env", string.Empty), errors);

        Assert.Empty(errors);
        Assert.NotNull(file);
    }
}
