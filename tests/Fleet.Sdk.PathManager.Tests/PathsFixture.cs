using Fleet.Sdk.Config;
using Fleet.Sdk.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.PathManager.Tests;

/// <summary>Builds a service provider with paths from a controlled environment and configuration.</summary>
internal sealed class PathsFixture : IDisposable
{
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _configuration = new(StringComparer.OrdinalIgnoreCase);
    private ServiceProvider? _provider;

    public PathsFixture()
    {
        Temp = new TempDirectory();
        ContentRoot = Temp.CreateDirectory("app");
    }

    public TempDirectory Temp { get; }

    public string ContentRoot { get; }

    public ListLoggerProvider Logs { get; } = new();

    public Action<FleetPathsOptions>? Configure { get; set; }

    public PathsFixture Env(string name, string value)
    {
        _environment[name] = value;
        return this;
    }

    public PathsFixture Config(string key, string? value)
    {
        _configuration[key] = value;
        return this;
    }

    public IFleetPaths Resolve() => Build().GetRequiredService<IFleetPaths>();

    public ServiceProvider Build()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(_configuration).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IEnvironmentVariables>(new DictionaryEnvironmentVariables(_environment));
        services.AddLogging(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton<Microsoft.Extensions.Hosting.IHostEnvironment>(new TestHostEnvironment(ContentRoot));
        if (Configure is null)
        {
            services.AddFleetPaths();
        }
        else
        {
            services.AddFleetPaths(Configure);
        }

        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        return _provider;
    }

    public void Dispose()
    {
        _provider?.Dispose();
        Temp.Dispose();
    }

    private sealed class TestHostEnvironment(string contentRoot) : Microsoft.Extensions.Hosting.IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";

        public string ApplicationName { get; set; } = "PathsTests";

        public string ContentRootPath { get; set; } = contentRoot;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } =
            new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
