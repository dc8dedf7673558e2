namespace Fleet.Sdk.Config.Tests;

public sealed class DotEnvFileTests
{
    [Fact]
    public void Parse_CommonForms_Values()
    {
        var file = DotEnvFile.Parse(".env", """
            # comment
            PORT_OFFSET=100
            export MAINPC_IP=10.0.0.2
            QUOTED="a b # not a comment"
            SINGLE='raw \n $HOME'
            ESCAPED="line\nnext"
            TRAILING=value # comment
            EMPTY=

            PORT_OFFSET=200
            """);

        Assert.Equal("200", file.Get("PORT_OFFSET"));
        Assert.Equal("10.0.0.2", file.Get("MAINPC_IP"));
        Assert.Equal("a b # not a comment", file.Get("QUOTED"));
        Assert.Equal("raw \\n $HOME", file.Get("SINGLE"));
        Assert.Equal("line\nnext", file.Get("ESCAPED"));
        Assert.Equal("value", file.Get("TRAILING"));
        Assert.Equal(string.Empty, file.Get("EMPTY"));
        Assert.Null(file.Get("MISSING"));
        Assert.Equal([2, 10], file.Entries.Where(e => e.Name == "PORT_OFFSET").Select(e => e.Location.Line));
    }

    [Fact]
    public void Parse_MalformedLines_EveryOneReportedWithLine()
    {
        var ex = Assert.Throws<FleetConfigurationException>(() => DotEnvFile.Parse("x.env", "GOOD=1\nnot a line\n1BAD=2\nOPEN=\"never closed\n"));

        Assert.Equal([2, 3, 4], ex.Errors.Select(e => e.Location.Line));
        Assert.Contains("is not NAME=value", ex.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("not a valid variable name", ex.Errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("never closed", ex.Errors[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_NamesFile()
    {
        var ex = Assert.Throws<FleetConfigurationException>(() => DotEnvFile.Load("/nonexistent/.env"));

        Assert.Contains("/nonexistent/.env: file not found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LayeredEnvironmentVariables_FirstLayerWins()
    {
        var layered = new LayeredEnvironmentVariables(TestSupport.Env(("A", "env")), TestSupport.Env(("A", "file"), ("B", "file")));

        Assert.Equal("env", layered.Get("A"));
        Assert.Equal("file", layered.Get("B"));
        Assert.Null(layered.Get("C"));
    }

    [Fact]
    public void LegacyEnvironmentAliases_IncludeLegacyNamesOfLegacyMd()
    {
        var legacy = LegacyEnvironmentAliases.All.SelectMany(a => a.LegacyAliases).ToList();

        Assert.Equal(["MAIN_PC_IP", "CONFIG_DIR", "MODELS_DIR", "LOGS_DIR", "DATA_DIR", "LOG_LEVEL", "REDIS_HOST", "REDIS_PORT"], legacy);
        Assert.Same(LegacyEnvironmentAliases.RedisHost, LegacyEnvironmentAliases.FindByCanonicalName("FLEET_REDIS_HOST"));
    }
}
