using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Logging.Tests;

public sealed class LevelsTests
{
    [Fact]
    public void GetLevel_LongestPrefixWins()
    {
        var levels = new FleetLogLevels();
        levels.ApplyConfiguration(LogLevel.Warning, [new("Fleet.Sdk", LogLevel.Information), new("Fleet.Sdk.Messaging", LogLevel.Debug)]);

        Assert.Equal(LogLevel.Debug, levels.GetLevel("Fleet.Sdk.Messaging.RpcServer"));
        Assert.Equal(LogLevel.Information, levels.GetLevel("Fleet.Sdk.Discovery"));
        Assert.Equal(LogLevel.Warning, levels.GetLevel("Microsoft.Hosting"));
    }

    [Fact]
    public void SetLevel_WinsOverConfigurationUntilReset()
    {
        var levels = new FleetLogLevels();
        levels.ApplyConfiguration(LogLevel.Information, [new("Agent", LogLevel.Warning)]);

        levels.SetLevel("Agent", LogLevel.Trace);
        levels.ApplyConfiguration(LogLevel.Information, [new("Agent", LogLevel.Error)]);
        Assert.Equal(LogLevel.Trace, levels.GetLevel("Agent.X"));

        Assert.True(levels.ResetLevel("Agent"));
        Assert.Equal(LogLevel.Error, levels.GetLevel("Agent.X"));
        Assert.False(levels.ResetLevel("Agent"));
    }

    [Fact]
    public void SetLevel_Default_ChangesMinimum()
    {
        var levels = new FleetLogLevels();
        var before = levels.Version;

        levels.SetLevel("Default", LogLevel.Error);

        Assert.Equal(LogLevel.Error, levels.MinimumLevel);
        Assert.Equal(LogLevel.Error, levels.GetLevel("Anything"));
        Assert.NotEqual(before, levels.Version);
    }
}
