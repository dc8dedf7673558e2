namespace Fleet.Sdk.Config.Tests;

public sealed class AliasedEnvironmentVariableTests
{
    private static readonly AliasedEnvironmentVariable MainPc = LegacyEnvironmentAliases.MainPcIp;

    [Fact]
    public void Read_NothingSet_NoValueNoConflict()
    {
        var value = MainPc.Read(Env());

        Assert.False(value.HasValue);
        Assert.False(value.IsConflict);
        Assert.False(value.IsFromLegacyAlias);
    }

    [Fact]
    public void Read_CanonicalOnly_ValueFromCanonical()
    {
        var value = MainPc.Read(Env(("MAINPC_IP", "10.0.0.2")));

        Assert.Equal("10.0.0.2", value.Value);
        Assert.Equal("MAINPC_IP", value.SourceName);
        Assert.False(value.IsFromLegacyAlias);
    }

    [Fact]
    public void Read_LegacyOnly_ValueFlaggedAsLegacy()
    {
        var value = MainPc.Read(Env(("MAIN_PC_IP", "10.0.0.2")));

        Assert.Equal("10.0.0.2", value.Value);
        Assert.Equal("MAIN_PC_IP", value.SourceName);
        Assert.True(value.IsFromLegacyAlias);
    }

    [Fact]
    public void Read_BothSameValue_CanonicalWinsNoConflict()
    {
        var value = MainPc.Read(Env(("MAINPC_IP", "10.0.0.2"), ("MAIN_PC_IP", "10.0.0.2")));

        Assert.Equal("MAINPC_IP", value.SourceName);
        Assert.False(value.IsConflict);
    }

    [Fact]
    public void Read_BothDifferent_ConflictNamesBothWithoutValues()
    {
        var value = MainPc.Read(Env(("MAINPC_IP", "10.0.0.2"), ("MAIN_PC_IP", "10.0.0.9")));

        Assert.True(value.IsConflict);
        Assert.Contains("MAINPC_IP and MAIN_PC_IP", value.Conflict, StringComparison.Ordinal);
        Assert.Contains("unset MAIN_PC_IP", value.Conflict, StringComparison.Ordinal);
        Assert.DoesNotContain("10.0.0", value.Conflict, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TwoLegacyAliasesDiffer_Conflict()
    {
        var variable = new AliasedEnvironmentVariable("NEW", "OLD1", "OLD2");

        var value = variable.Read(Env(("OLD1", "a"), ("OLD2", "b")));

        Assert.True(value.IsConflict);
        Assert.Equal("OLD1", value.SourceName);
        Assert.Contains("OLD1 and OLD2", value.Conflict, StringComparison.Ordinal);
    }

    [Fact]
    public void FindByCanonicalName_KnownAndUnknown()
    {
        Assert.Same(LegacyEnvironmentAliases.ModelsDirectory, LegacyEnvironmentAliases.FindByCanonicalName("FLEET_MODELS_DIR"));
        Assert.Null(LegacyEnvironmentAliases.FindByCanonicalName("MODELS_DIR"));
    }

    [Fact]
    public void ProcessEnvironmentVariables_ReadsRealEnvironment()
    {
        Assert.Equal(Environment.GetEnvironmentVariable("PATH"), ProcessEnvironmentVariables.Instance.Get("PATH"));
        Assert.Null(ProcessEnvironmentVariables.Instance.Get($"FLEET_TEST_UNSET_{Guid.NewGuid():N}"));
    }

    private static DictionaryEnvironmentVariables Env(params (string Name, string Value)[] values) =>
        new(values.Select(v => new KeyValuePair<string, string>(v.Name, v.Value)));
}
