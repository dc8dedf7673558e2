using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.PathManager.Tests;

public sealed class FleetPathsResolutionTests : IDisposable
{
    private readonly PathsFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Resolve_NothingSet_EveryLocationUnderContentRoot()
    {
        var paths = _fixture.Resolve();

        Assert.Equal(_fixture.ContentRoot, paths.Root);
        Assert.Equal(Path.Combine(_fixture.ContentRoot, "config"), paths.Config);
        Assert.Equal(Path.Combine(_fixture.ContentRoot, "data"), paths.Data);
        Assert.Equal(Path.Combine(_fixture.ContentRoot, "models"), paths.Models);
        Assert.Equal(Path.Combine(_fixture.ContentRoot, "logs"), paths.Logs);
        Assert.Equal(Path.Combine(_fixture.ContentRoot, "cache"), paths.Cache);
        Assert.Equal(Path.Combine(_fixture.ContentRoot, "certificates"), paths.Certificates);
        Assert.Equal(Path.Combine(_fixture.ContentRoot, "tmp"), paths.Temp);
        Assert.All(paths.Locations, l => Assert.Equal(FleetPathSource.Default, l.Source));
    }

    [Fact]
    public void Resolve_NothingSet_CreatesWritableLocationsOnly()
    {
        var paths = _fixture.Resolve();

        Assert.True(Directory.Exists(paths.Data));
        Assert.True(Directory.Exists(paths.Logs));
        Assert.True(Directory.Exists(paths.Cache));
        Assert.True(Directory.Exists(paths.Temp));
        Assert.False(Directory.Exists(paths.Models), "read-only locations are never created");
        Assert.False(Directory.Exists(paths.Config));
        Assert.Empty(Directory.EnumerateFiles(paths.Logs, "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("code", FleetPathSource.Code, "FleetPathsOptions.Models")]
    [InlineData("env", FleetPathSource.Environment, "FLEET_MODELS_DIR")]
    [InlineData("config", FleetPathSource.Configuration, "Fleet:Paths:Models")]
    public void Resolve_SeveralLayersSet_HighestWins(string highest, FleetPathSource expectedSource, string expectedSourceName)
    {
        var code = _fixture.Temp.Combine("from-code");
        var env = _fixture.Temp.Combine("from-env");
        var config = _fixture.Temp.Combine("from-config");
        _fixture.Config("Fleet:Paths:Models", config);
        if (highest is "code" or "env")
        {
            _fixture.Env("FLEET_MODELS_DIR", env);
        }

        if (highest is "code")
        {
            _fixture.Configure = o => o.Models = code;
        }

        var paths = _fixture.Resolve();

        Assert.True(paths.TryGetLocation("models", out var models));
        Assert.Equal(expectedSource, models.Source);
        Assert.Equal(expectedSourceName, models.SourceName);
        Assert.Equal(highest switch { "code" => code, "env" => env, _ => config }, paths.Models);
    }

    [Fact]
    public void Resolve_ConfigurationKeyCaseDiffers_StillApplies()
    {
        _fixture.Config("fleet:paths:MODELS", "/srv/models");

        Assert.Equal("/srv/models", _fixture.Resolve().Models);
    }

    [Fact]
    public void Resolve_RelativeValues_RootRelativeToContentRootOthersRelativeToRoot()
    {
        _fixture.Config("Fleet:Paths:Root", "../deploy");
        _fixture.Env("FLEET_DATA_DIR", "state/data");
        var absoluteLogs = _fixture.Temp.Combine("elsewhere", "..", "abs-logs");
        _fixture.Configure = o => o.Logs = absoluteLogs;

        var paths = _fixture.Resolve();

        var root = Path.GetFullPath(Path.Combine(_fixture.ContentRoot, "../deploy"));
        Assert.Equal(root, paths.Root);
        Assert.Equal(Path.Combine(root, "state", "data"), paths.Data);
        Assert.Equal(Path.Combine(root, "models"), paths.Models);
        Assert.Equal(_fixture.Temp.Combine("abs-logs"), paths.Logs);
    }

    [Fact]
    public void Resolve_TrailingSeparator_IsTrimmed()
    {
        _fixture.Env("FLEET_MODELS_DIR", "/srv/models/");

        Assert.Equal("/srv/models", _fixture.Resolve().Models);
    }

    [Fact]
    public void Resolve_TildePath_ExpandsHome()
    {
        _fixture.Env("HOME", "/home/agent").Env("FLEET_MODELS_DIR", "~/models");

        Assert.Equal("/home/agent/models", _fixture.Resolve().Models);
    }

    [Fact]
    public void Resolve_LegacyAlias_UsedWithOneWarningNamingCanonical()
    {
        _fixture.Env("MODELS_DIR", "/srv/legacy-models");

        using var provider = _fixture.Build();
        var paths = provider.GetRequiredService<IFleetPaths>();
        _ = provider.GetRequiredService<IFleetPaths>().Models;

        Assert.Equal("/srv/legacy-models", paths.Models);
        Assert.True(paths.TryGetLocation("models", out var models));
        Assert.Equal("MODELS_DIR", models.SourceName);
        var warning = Assert.Single(_fixture.Logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("MODELS_DIR", warning.Message, StringComparison.Ordinal);
        Assert.Contains("FLEET_MODELS_DIR", warning.Message, StringComparison.Ordinal);
        Assert.Equal(2001, warning.EventId.Id);
    }

    [Fact]
    public void Resolve_AliasAndCanonicalEqual_CanonicalWinsWithoutWarning()
    {
        _fixture.Env("LOGS_DIR", _fixture.Temp.Combine("logs")).Env("FLEET_LOGS_DIR", _fixture.Temp.Combine("logs"));

        var paths = _fixture.Resolve();

        Assert.True(paths.TryGetLocation("logs", out var logs));
        Assert.Equal("FLEET_LOGS_DIR", logs.SourceName);
        Assert.DoesNotContain(_fixture.Logs.Entries, e => e.Level == LogLevel.Warning);
    }

    [Fact]
    public void Resolve_AliasAndCanonicalDiffer_FailsNamingBoth()
    {
        _fixture.Env("DATA_DIR", "/srv/a").Env("FLEET_DATA_DIR", "/srv/b");

        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Resolve());

        var failure = Assert.Single(error.Failures);
        Assert.Contains("FLEET_DATA_DIR", failure, StringComparison.Ordinal);
        Assert.Contains("DATA_DIR and", failure, StringComparison.Ordinal);
        Assert.Contains("unset DATA_DIR", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("/srv/a", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_UnexpandedVariable_FailsInsteadOfUsingItLiterally()
    {
        _fixture.Config("Fleet:Paths:Models", "${MODELS_ROOT}/llm");

        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Resolve());

        var failure = Assert.Single(error.Failures);
        Assert.Contains("unexpanded variable", failure, StringComparison.Ordinal);
        Assert.Contains("Fleet:Paths:Models", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_EmptyEnvironmentVariable_FailsNamingIt()
    {
        _fixture.Env("FLEET_CACHE_DIR", "  ");

        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Resolve());

        Assert.Contains("FLEET_CACHE_DIR is set but empty", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_UnknownConfigurationKey_FailsListingKnownLocations()
    {
        _fixture.Config("Fleet:Paths:Modles", "/srv/models");

        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Resolve());

        var failure = Assert.Single(error.Failures);
        Assert.Contains("Fleet:Paths:Modles does not name a location", failure, StringComparison.Ordinal);
        Assert.Contains("models", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_SeveralProblems_AllReportedAtOnce()
    {
        _fixture.Env("DATA_DIR", "/srv/a").Env("FLEET_DATA_DIR", "/srv/b");
        _fixture.Config("Fleet:Paths:Models", "${X}");
        _fixture.Config("Fleet:Paths:Nope", "/x");

        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Resolve());

        Assert.Equal(3, error.Failures.Count());
    }

    [Fact]
    public void Resolve_WritableLocationCannotBeCreated_FailsNamingKeyAndVariable()
    {
        var file = _fixture.Temp.WriteFile("not-a-dir", "x");
        _fixture.Env("FLEET_LOGS_DIR", Path.Combine(file, "logs"));

        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Resolve());

        var failure = Assert.Single(error.Failures);
        Assert.Contains("cannot be created", failure, StringComparison.Ordinal);
        Assert.Contains("Fleet:Paths:Logs", failure, StringComparison.Ordinal);
        Assert.Contains("FLEET_LOGS_DIR", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_WritableLocationIsAFile_Fails()
    {
        _fixture.Configure = o => o.Cache = _fixture.Temp.WriteFile("cache-file", "x");

        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Resolve());

        Assert.Contains("is a file, not a directory", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_CreateDirectoriesOff_MissingWritableLocationFails()
    {
        _fixture.Configure = o => o.CreateDirectories = false;

        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Resolve());

        Assert.Equal(4, error.Failures.Count());
        Assert.All(error.Failures, f => Assert.Contains("does not exist", f, StringComparison.Ordinal));
    }

    [UnwritableDirectoryFact]
    public void Resolve_WritableLocationNotWritable_FailsWithFixHint()
    {
        _fixture.Env("FLEET_TEMP_DIR", UnwritableDirectory.Path!);

        var error = Assert.Throws<OptionsValidationException>(() => _fixture.Resolve());

        var failure = Assert.Single(error.Failures);
        Assert.Contains("is not writable", failure, StringComparison.Ordinal);
        Assert.Contains("mount a writable volume", failure, StringComparison.Ordinal);
    }

    [UnwritableDirectoryFact]
    public void Resolve_ReadOnlyRootWithWritableVolumes_Succeeds()
    {
        var root = UnwritableDirectory.Path!;
        _fixture.Configure = o =>
        {
            o.Root = root;
            o.Data = _fixture.Temp.Combine("vol", "data");
            o.Logs = _fixture.Temp.Combine("vol", "logs");
            o.Cache = _fixture.Temp.Combine("vol", "cache");
            o.Temp = _fixture.Temp.Combine("vol", "tmp");
        };

        var paths = _fixture.Resolve();

        Assert.Equal(root, paths.Root);
        Assert.Equal(Path.Combine(root, "models"), paths.Models);
        Assert.True(Directory.Exists(paths.Logs));
    }
}
