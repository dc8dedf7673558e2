using Fleet.Sdk.Config;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.PathManager;

/// <summary>
/// Resolves and checks the locations once per service provider, and remembers the outcome: the
/// options validator and <see cref="IFleetPaths"/> share it, so start-up does the I/O only once.
/// </summary>
internal sealed partial class FleetPathsProvider
{
    private readonly IEnvironmentVariables _environment;
    private readonly IConfiguration? _configuration;
    private readonly string _contentRoot;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private Outcome? _outcome;

    public FleetPathsProvider(IEnvironmentVariables environment, IConfiguration? configuration, string contentRoot, ILogger logger)
    {
        _environment = environment;
        _configuration = configuration;
        _contentRoot = contentRoot;
        _logger = logger;
    }

    public Outcome Resolve(FleetPathsOptions options)
    {
        lock (_gate)
        {
            return _outcome ??= ResolveCore(options);
        }
    }

    private Outcome ResolveCore(FleetPathsOptions options)
    {
        var resolution = FleetPathResolver.Resolve(options, _configuration, _environment, _contentRoot);
        foreach (var use in resolution.LegacyAliasUses)
        {
            LogLegacyAlias(_logger, use.LegacyName, use.CanonicalName, use.Location);
        }

        // Locations that resolved are checked even when others did not: every problem at once.
        var problems = resolution.Problems.ToList();
        problems.AddRange(FleetPathAccessCheck.Check(resolution.Locations, options.CreateDirectories));

        if (problems.Count > 0)
        {
            LogInvalid(_logger, problems.Count);
            return new Outcome(null, problems);
        }

        foreach (var location in resolution.Locations)
        {
            LogResolved(_logger, location.Name, location.Path, location.SourceName);
        }

        return new Outcome(new FleetPaths(resolution.Locations), problems);
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning,
        Message = "Environment variable {LegacyName} is a legacy alias: set {CanonicalName} instead (it sets location '{Location}').")]
    private static partial void LogLegacyAlias(ILogger logger, string legacyName, string canonicalName, string location);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Location '{Location}' is {Path} ({Source}).")]
    private static partial void LogResolved(ILogger logger, string location, string path, string source);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Agent paths are invalid: {Count} problem(s); see the start-up error for each.")]
    private static partial void LogInvalid(ILogger logger, int count);

    /// <summary>Either the paths, or every problem found.</summary>
    internal sealed record Outcome(FleetPaths? Paths, IReadOnlyList<string> Problems);
}
