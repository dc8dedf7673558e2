using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.PathManager.Tests;

public sealed class FleetPathsApiTests : IDisposable
{
    private readonly PathsFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void AddLocation_CustomLocation_ResolvedFromItsOwnVariable()
    {
        _fixture.Env("FLEET_EMBEDDINGS_DIR", _fixture.Temp.Combine("emb"));
        _fixture.Configure = o => o.AddLocation("embeddings", "data/embeddings", writable: true);

        var paths = _fixture.Resolve();

        Assert.Equal(_fixture.Temp.Combine("emb"), paths["Embeddings"]);
        Assert.True(Directory.Exists(paths["embeddings"]));
        Assert.Equal("embeddings", paths.Locations[^1].Name);
    }

    [Fact]
    public void AddLocation_CustomLocationUnset_UsesDefaultUnderRoot()
    {
        _fixture.Configure = o => o.AddLocation("prompts", "assets/prompts");

        Assert.Equal(Path.Combine(_fixture.ContentRoot, "assets", "prompts"), _fixture.Resolve()["prompts"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("9lives")]
    [InlineData("my-models")]
    [InlineData("a b")]
    public void AddLocation_InvalidName_ThrowsWithRule(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => new FleetPathsOptions().AddLocation(name));

        Assert.Contains("letters, digits and underscores", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLocation_Duplicate_Throws()
    {
        var options = new FleetPathsOptions();

        Assert.Throws<ArgumentException>(() => options.AddLocation("Models"));
    }

    [Fact]
    public void Indexer_UnknownLocation_ListsKnownOnes()
    {
        var paths = _fixture.Resolve();

        var error = Assert.Throws<KeyNotFoundException>(() => paths["weights"]);

        Assert.Contains("root, config, data, models, logs, cache, certificates, temp", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Combine_PathInside_ReturnsAbsolutePath()
    {
        var paths = _fixture.Resolve();

        Assert.Equal(Path.Combine(paths.Models, "llama", "weights.gguf"), paths.Combine("models", "llama/./weights.gguf"));
        Assert.Equal(paths.Models, paths.Combine("models", "llama/.."));
    }

    [Theory]
    [InlineData("../data/secret")]
    [InlineData("llama/../../etc")]
    [InlineData("/etc/passwd")]
    public void Combine_PathLeavesLocation_Throws(string relative)
    {
        var paths = _fixture.Resolve();

        Assert.Throws<ArgumentException>(() => paths.Combine("models", relative));
    }

    [Fact]
    public void Combine_SiblingWithSamePrefix_Throws()
    {
        var paths = _fixture.Resolve();

        Assert.Throws<ArgumentException>(() => paths.Combine("models", "../models-evil/x"));
    }

    [Fact]
    public void GetService_ManyThreads_ResolvesOnceAndSharesInstance()
    {
        _fixture.Env("MODELS_DIR", "/srv/models");
        using var provider = _fixture.Build();

        var instances = new IFleetPaths[32];
        Parallel.For(0, instances.Length, i => instances[i] = provider.GetRequiredService<IFleetPaths>());

        Assert.All(instances, p => Assert.Same(instances[0], p));
        Assert.Single(_fixture.Logs.Entries, e => e.EventId.Id == 2001);
    }

    [Fact]
    public void AddFleetPaths_CalledTwice_RegistersOneValidator()
    {
        var services = new ServiceCollection();
        services.AddFleetPaths().AddFleetPaths(o => o.Models = "/m");

        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<FleetPathsOptions>));
        Assert.Single(services, d => d.ServiceType == typeof(IFleetPaths));
    }

    [Fact]
    public void AddFleetPaths_ExplicitSection_UsedAsConfigurationLayer()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Agent:Dirs:Models"] = "/srv/m" })
            .Build();
        using var temp = new TempDirectory();
        var services = new ServiceCollection();
        services.AddSingleton<Fleet.Sdk.Config.IEnvironmentVariables>(new Fleet.Sdk.Config.DictionaryEnvironmentVariables());
        services.AddFleetPaths(configuration.GetSection("Agent:Dirs")).AddFleetPaths(o => o.Root = temp.Path);
        using var provider = services.BuildServiceProvider();

        var paths = provider.GetRequiredService<IFleetPaths>();

        Assert.Equal("/srv/m", paths.Models);
        Assert.True(paths.TryGetLocation("models", out var models));
        Assert.Equal(FleetPathSource.Configuration, models.Source);
    }

    [Fact]
    public async Task HostStart_InvalidPaths_FailsBeforeAnyServiceRuns()
    {
        using var temp = new TempDirectory();
        var file = temp.WriteFile("file", "x");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = temp.Path });
        builder.Services.AddSingleton<Fleet.Sdk.Config.IEnvironmentVariables>(new Fleet.Sdk.Config.DictionaryEnvironmentVariables());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fleet:Paths:Logs"] = Path.Combine(file, "logs"),
            ["Fleet:Paths:Data"] = "${DATA}",
        });
        builder.AddFleetPaths();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(2, error.Failures.Count());
    }

    [Fact]
    public void HostBuilder_AddFleetPaths_DefaultsUnderContentRootAndCodeWins()
    {
        using var temp = new TempDirectory();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = temp.Path });
        builder.Services.AddSingleton<Fleet.Sdk.Config.IEnvironmentVariables>(
            new Fleet.Sdk.Config.DictionaryEnvironmentVariables([new("FLEET_MODELS_DIR", "/from/env")]));
        builder.AddFleetPaths(o => o.Models = "/from/code");
        using var host = builder.Build();

        var paths = host.Services.GetRequiredService<IFleetPaths>();

        Assert.Equal(temp.Path, paths.Root);
        Assert.Equal("/from/code", paths.Models);
    }
}
