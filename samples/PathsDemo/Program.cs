// A tour of Fleet.Sdk.PathManager: how an agent finds its directories, where each value came
// from, and what a misconfigured machine is told at start-up. Run with ./eng/build.sh demo.
using Fleet.Sdk.Config;
using Fleet.Sdk.PathManager;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

var sandbox = Directory.CreateTempSubdirectory("fleet-paths-demo-").FullName;
var failures = 0;
try
{
    Scenario(
        "1. A fresh agent: nothing configured, every location under its content root",
        environment: [],
        configuration: [],
        configure: o => o.AddLocation("embeddings", "data/embeddings", writable: true));

    Scenario(
        "2. A migrated Python container: legacy MODELS_DIR, a FLEET_ variable, YAML config and a code override",
        environment: [("MODELS_DIR", Path.Combine(sandbox, "mnt", "models")), ("FLEET_LOGS_DIR", Path.Combine(sandbox, "var", "log", "agent"))],
        configuration: [("Fleet:Paths:Cache", Path.Combine(sandbox, "shm", "agent-cache")), ("Fleet:Paths:Data", "state")],
        configure: o => o.Certificates = Path.Combine(sandbox, "run", "secrets", "curve"));

    var file = Path.Combine(sandbox, "a-file");
    File.WriteAllText(file, "not a directory");
    Scenario(
        "3. A broken machine: conflicting aliases, an undefined ${VAR}, a typo and an unusable log directory",
        environment: [("DATA_DIR", "/srv/old-data"), ("FLEET_DATA_DIR", "/srv/data")],
        configuration: [("Fleet:Paths:Models", "${MODELS_ROOT}/llm"), ("Fleet:Paths:Logz", "/var/log"), ("Fleet:Paths:Logs", Path.Combine(file, "logs"))],
        configure: null,
        expectFailure: true);
}
finally
{
    Directory.Delete(sandbox, recursive: true);
}

Console.WriteLine(failures == 0 ? "Every scenario behaved as expected." : $"{failures} scenario(s) did not behave as expected.");
return failures == 0 ? 0 : 1;

void Scenario(
    string title,
    (string Name, string Value)[] environment,
    (string Key, string Value)[] configuration,
    Action<FleetPathsOptions>? configure,
    bool expectFailure = false)
{
    Console.WriteLine();
    Console.WriteLine(title);
    Console.WriteLine(new string('-', title.Length));
    foreach (var (name, value) in environment)
    {
        Console.WriteLine($"  env    {name}={value}");
    }

    foreach (var (key, value) in configuration)
    {
        Console.WriteLine($"  config {key}: {value}");
    }

    var contentRoot = Directory.CreateDirectory(Path.Combine(sandbox, $"agent-{Guid.NewGuid():N}"[..14])).FullName;
    var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = contentRoot });
    builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
    // The demo prints the start-up error itself; the host's own copy (with a stack trace) is noise here.
    builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
    builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
    builder.Configuration.AddInMemoryCollection(configuration.Select(c => new KeyValuePair<string, string?>(c.Key, c.Value)));
    // The demo supplies its environment so it never depends on, or changes, this machine's.
    builder.Services.AddSingleton<IEnvironmentVariables>(
        new DictionaryEnvironmentVariables(environment.Select(e => new KeyValuePair<string, string>(e.Name, e.Value))));
    builder.AddFleetPaths(configure);

    using var host = builder.Build();
    try
    {
        host.StartAsync().GetAwaiter().GetResult();
        var paths = host.Services.GetRequiredService<IFleetPaths>();
        Console.WriteLine();
        Console.WriteLine($"  {"location",-13} {"source",-14} path");
        foreach (var location in paths.Locations)
        {
            var shown = location.Path.Replace(sandbox, "$SANDBOX", StringComparison.Ordinal);
            Console.WriteLine($"  {location.Name,-13} {location.Source,-14} {shown}{(location.Writable ? "  (writable, checked)" : string.Empty)}");
        }

        host.StopAsync().GetAwaiter().GetResult();
        if (expectFailure)
        {
            failures++;
        }
    }
    catch (OptionsValidationException error)
    {
        Console.WriteLine();
        Console.WriteLine($"  The agent refuses to start, listing all {error.Failures.Count()} problems at once:");
        foreach (var failure in error.Failures)
        {
            Console.WriteLine($"  - {failure.Replace(sandbox, "$SANDBOX", StringComparison.Ordinal)}");
        }

        if (!expectFailure)
        {
            failures++;
        }
    }
}
