using Fleet.Sdk.Config;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Adds the fleet topology to a host's configuration, with typed, validated, reloading options.</summary>
public static class FleetConfigurationHostApplicationBuilderExtensions
{
    /// <summary>
    /// Adds the fleet configuration layers below the builder's environment and command line:
    /// topology file(s), then <c>overrides/{machine}.yaml</c>, then the <c>.env</c> file. Registers
    /// <see cref="FleetAgentOptions"/> (<c>Fleet:Agent</c>), <see cref="FleetMachineOptions"/> (<c>Fleet:Machine</c>)
    /// and <see cref="FleetTopologyOptions"/>, validated at start-up and reloaded on change through <c>IOptionsMonitor</c>.
    /// </summary>
    /// <typeparam name="TBuilder">The host builder type.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="FleetConfigurationException">When the host starts (or <see cref="FleetTopologyOptions"/> is first read): the topology cannot be loaded or has errors; every problem is listed.</exception>
    public static TBuilder AddFleetConfiguration<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder =>
        AddFleetConfigurationCore(builder, new FleetConfigurationOptions());

    /// <summary>Adds the fleet configuration, set up in code. See <see cref="AddFleetConfiguration{TBuilder}(TBuilder)"/>.</summary>
    /// <typeparam name="TBuilder">The host builder type.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <param name="configure">Sets the directory, files, machine, agent...</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="FleetConfigurationException">When the host starts (or <see cref="FleetTopologyOptions"/> is first read): the topology cannot be loaded or has errors; every problem is listed.</exception>
    public static TBuilder AddFleetConfiguration<TBuilder>(this TBuilder builder, Action<FleetConfigurationOptions> configure)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new FleetConfigurationOptions();
        configure(options);
        return AddFleetConfigurationCore(builder, options);
    }

    /// <summary>Adds the fleet configuration, set up from a configuration section (keys <c>Directory</c>, <c>Files</c>, <c>Machine</c>, <c>Agent</c>, <c>ReloadOnChange</c>, <c>LoadDotEnv</c>, <c>Optional</c>).</summary>
    /// <typeparam name="TBuilder">The host builder type.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <param name="section">The section holding <see cref="FleetConfigurationOptions"/>.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="FleetConfigurationException">When the host starts (or <see cref="FleetTopologyOptions"/> is first read): the topology cannot be loaded or has errors; every problem is listed.</exception>
    public static TBuilder AddFleetConfiguration<TBuilder>(this TBuilder builder, IConfigurationSection section)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(section);
        var options = new FleetConfigurationOptions();
        section.Bind(options);
        return AddFleetConfigurationCore(builder, options);
    }

    private static TBuilder AddFleetConfigurationCore<TBuilder>(TBuilder builder, FleetConfigurationOptions options)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var environment = options.Environment ?? ProcessEnvironmentVariables.Instance;
        var contentRoot = builder.Environment.ContentRootPath;

        var directory = options.Directory;
        if (directory is null)
        {
            var fromEnvironment = LegacyEnvironmentAliases.ConfigDirectory.Read(environment);
            if (fromEnvironment.IsConflict)
            {
                return Deferred(builder, FleetConfigurationErrors.LoadFailed([new FleetConfigurationError(SourceLocation.Of("environment"), fromEnvironment.Conflict!)]));
            }

            directory = fromEnvironment.Value ?? FleetConfigurationConstants.DefaultDirectoryName;
        }

        directory = Path.GetFullPath(directory, contentRoot);
        var files = options.Files.Count > 0
            ? options.Files.Select(f => Path.GetFullPath(f, directory)).ToList()
            : FleetTopologyLoader.FindTopologyFile(directory) is { } found ? [found] : [];

        if (files.Count == 0 && !options.Optional)
        {
            return Deferred(builder, FleetConfigurationErrors.LoadFailed([new FleetConfigurationError(SourceLocation.Of(directory),
                $"no topology file: expected one of {string.Join(", ", FleetTopologySchema.DefaultFileNames)} there. " +
                "Set FLEET_CONFIG_DIR (legacy CONFIG_DIR) to the directory that holds it, list the files in FleetConfigurationOptions.Files, " +
                "or set FleetConfigurationOptions.Optional for an agent that runs without a fleet.")]));
        }

        if (files.Count > 0)
        {
            var loadOptions = new FleetTopologyLoadOptions
            {
                Machine = options.Machine ?? configuration[FleetConfigurationConstants.MachineNameKey],
                Environment = environment,
                LoadDotEnv = options.LoadDotEnv,
            };
            foreach (var file in files)
            {
                loadOptions.Sources.Add(new FleetTopologySource(file));
            }

            var agent = options.Agent ?? configuration[FleetConfigurationConstants.AgentNameKey];
            var index = FirstOverridingSource(configuration.Sources);
            if (options.LoadDotEnv)
            {
                var dotEnv = new DotEnvConfigurationSource();
                dotEnv.Files.Add(Path.Combine(directory, ".env"));
                configuration.Sources.Insert(index, dotEnv);
            }

            configuration.Sources.Insert(index, new FleetTopologyConfigurationSource
            {
                LoadOptions = loadOptions,
                Agent = agent,
                ReloadOnChange = options.ReloadOnChange,
                DeferLoadErrors = true,
            });
        }

        AddOptions(builder.Services, configuration);
        return builder;
    }

    /// <summary>
    /// The configuration cannot be used: the host fails to start with <paramref name="error"/>, so an
    /// agent's start-up logs it and exits with its configuration exit code (not a crash while building).
    /// </summary>
    private static TBuilder Deferred<TBuilder>(TBuilder builder, FleetConfigurationException error)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton(new FleetConfigurationStartupError(error));
        AddOptions(builder.Services, builder.Configuration);
        return builder;
    }

    /// <summary>The fleet layers go below the environment and the command line, which must win over them.</summary>
    private static int FirstOverridingSource(IList<IConfigurationSource> sources)
    {
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is EnvironmentVariablesConfigurationSource or CommandLineConfigurationSource)
            {
                return i;
            }
        }

        return sources.Count;
    }

    private static void AddOptions(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FleetAgentOptions>().BindConfiguration(TopologyFlattener.AgentSection).ValidateOnStart();
        services.AddOptions<FleetMachineOptions>().BindConfiguration(TopologyFlattener.MachineSection);
        services.AddOptions<FleetTopologyOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<FleetTopologyOptions>, FleetTopologyOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FleetTopologyOptions>, FleetTopologyOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FleetAgentOptions>, FleetAgentOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOptionsChangeTokenSource<FleetTopologyOptions>>(
            new ConfigurationChangeTokenSource<FleetTopologyOptions>(configuration)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, FleetConfigurationReporter>());
    }
}
