using System.Diagnostics.Metrics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Fleet.Sdk.Config;
using Fleet.Sdk.Hosting;
using Fleet.Sdk.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Turns a host into a fleet agent: the defaults in one call, and the handler registration API.</summary>
public static class FleetAgentHostApplicationBuilderExtensions
{
    /// <summary>
    /// Wires every Fleet.Sdk default into the host, each through its own public call:
    /// <c>AddFleetConfiguration</c> (topology, machine override, <c>.env</c>), <c>AddFleetPaths</c>,
    /// <c>AddFleetLogging</c>, <c>AddFleetSecurity</c>, <c>AddFleetMessaging</c> (the RPC server on
    /// <c>Fleet:Agent:Port</c> unless <c>Fleet:Messaging:Server:Endpoints</c> is set),
    /// <c>AddFleetDiscovery</c> with its health check, and <see cref="AddFleetAgentHosting{TBuilder}"/>
    /// (start-up order, dependencies, health, metrics, admin, draining shutdown). Repeat calls are harmless.
    /// </summary>
    /// <typeparam name="TBuilder">The host builder type.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <param name="configuration">Optionally sets where the topology is and which machine and agent this is.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="FleetConfigurationException">The topology cannot be loaded or has errors; every problem is listed.</exception>
    public static TBuilder AddFleetAgentDefaults<TBuilder>(this TBuilder builder, Action<FleetConfigurationOptions>? configuration = null)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(AgentDefaultsMarker)))
        {
            return builder;
        }

        builder.Services.AddSingleton<AgentDefaultsMarker>();
        builder.AddFleetConfiguration(configuration ?? (static _ => { }));
        builder.AddFleetPaths();
        builder.AddFleetLogging();
        builder.AddFleetSecurity();
        builder.AddFleetMessaging();
        builder.Services.AddFleetDiscovery();
        builder.Services.AddHealthChecks().AddFleetDiscovery();
        return builder.AddFleetAgentHosting();
    }

    /// <summary>
    /// Adds the agent host from <c>Fleet:Hosting</c> (and messaging, if not added yet): start-up in
    /// order (options validated, endpoints bound, registered in discovery, dependencies waited for
    /// with deadlines, then ready or degraded), <c>health_check</c> with per-dependency detail,
    /// <c>/health</c>, <c>/alive</c>, <c>/metrics</c> and the admin endpoints on the health port,
    /// and a shutdown that drains in-flight requests. Repeat calls are harmless.
    /// </summary>
    /// <typeparam name="TBuilder">The host builder type.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <param name="configure">Optionally changes the options after configuration is bound.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder AddFleetAgentHosting<TBuilder>(this TBuilder builder, Action<FleetHostingOptions>? configure = null)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var messaging = builder.AddFleetMessaging();
        services.AddFleetOptions(HostingConstants.SectionName, builder.Configuration.GetSection(HostingConstants.SectionName), configure, typeof(FleetHostingOptionsValidator));
        if (services.Any(d => d.ServiceType == typeof(FleetAgentHost)))
        {
            return builder;
        }

        AddPipeline(services);
        services.AddFleetIdentity();
        services.AddHealthChecks();
        services.TryAddSingleton<FleetAgentHost>();
        services.TryAddSingleton<IFleetAgent>(static sp => sp.GetRequiredService<FleetAgentHost>());
        services.AddSingleton<IHostedService>(static sp => sp.GetRequiredService<FleetAgentHost>());
        services.TryAddSingleton(static sp => new AgentHealthReporter(
            sp.GetRequiredService<IFleetAgent>(),
            sp.GetService<HealthCheckService>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(static sp =>
        {
            var meters = sp.GetRequiredService<IOptions<FleetHostingOptions>>().Value.Meters;
            return new PrometheusExporter(meters.Count > 0 ? meters.ToList() : HostingConstants.DefaultMeters, sp.GetService<IMeterFactory>());
        });
        services.TryAddSingleton<AdminGuard>();
        services.TryAddSingleton<AgentHttpEndpoints>();

        // health_check answers with the agent's state and each dependency (the built-in reply has neither).
        messaging.AddRpcHandler(AgentRpcHandlers.HealthCheckAction, static sp =>
        {
            var reporter = sp.GetRequiredService<AgentHealthReporter>();
            return async (_, cancellationToken) =>
            {
                var (_, json) = await reporter.ReportAsync(liveness: false, cancellationToken).ConfigureAwait(false);
                using var document = JsonDocument.Parse(json);
                return document.RootElement.Clone();
            };
        });

        // The RPC server binds the topology's port on the agent's host unless endpoints are configured.
        services.AddOptions<FleetMessagingOptions>().PostConfigure<IConfiguration>(static (options, configuration) =>
        {
            if (options.Server.Endpoints.Count == 0 && configuration["Fleet:Agent:Port"] is { Length: > 0 } port &&
                int.TryParse(port, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
            {
                var host = configuration["Fleet:Agent:Host"] ?? configuration["Fleet:Machine:Host"] ?? "127.0.0.1";
                options.Server.Endpoints.Add(string.Create(CultureInfo.InvariantCulture, $"tcp://{host}:{number}"));
            }
        });

        // The RPC caller and the built-in health_check name are the fleet identity's agent unless Fleet:Messaging:AgentName is set.
        services.AddOptions<FleetMessagingOptions>().PostConfigure<FleetIdentity>(static (options, identity) => options.AgentName ??= identity.Agent);

        // The host must give the drain its deadline, and a little more to deregister and close.
        // Read without validation: invalid options are reported, all at once, when the host starts.
        services.AddOptions<HostOptions>().Configure<IConfiguration>(static (host, configuration) =>
        {
            var timeout = TimeSpan.TryParse(configuration[$"{HostingConstants.SectionName}:ShutdownTimeout"], CultureInfo.InvariantCulture, out var configured)
                ? configured
                : HostingConstants.DefaultShutdownTimeout;
            var needed = timeout > TimeSpan.Zero && timeout < TimeSpan.FromDays(1) ? timeout + TimeSpan.FromSeconds(5) : TimeSpan.Zero;
            if (host.ShutdownTimeout < needed)
            {
                host.ShutdownTimeout = needed;
            }
        });
        return builder;
    }

    /// <summary>
    /// Registers <typeparamref name="THandler"/> for its action: the <paramref name="action"/> given,
    /// else the name in its <see cref="AgentActionAttribute"/>. A new instance, from a new service
    /// scope, handles each request.
    /// </summary>
    /// <typeparam name="THandler">The handler type.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <param name="action">The action name, or <see langword="null"/> to read <see cref="AgentActionAttribute"/>.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="InvalidOperationException">No action is given and <typeparamref name="THandler"/> has no <see cref="AgentActionAttribute"/>.</exception>
    public static IHostApplicationBuilder AddAgentHandler<THandler>(this IHostApplicationBuilder builder, string? action = null)
        where THandler : class, IAgentHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        action ??= typeof(THandler).GetCustomAttribute<AgentActionAttribute>()?.Name
            ?? throw new InvalidOperationException(
                $"{typeof(THandler).Name} does not say which action it handles: add [AgentAction(\"name\")] to the class, or call AddAgentHandler<{typeof(THandler).Name}>(\"name\").");
        builder.Services.TryAddScoped<THandler>();
        return builder.MapAction(action, static sp =>
        {
            var scopes = sp.GetRequiredService<IServiceScopeFactory>();
            return async (request, cancellationToken) =>
            {
                var scope = scopes.CreateAsyncScope();
                await using (scope.ConfigureAwait(false))
                {
                    return await scope.ServiceProvider.GetRequiredService<THandler>().HandleAsync(request, cancellationToken).ConfigureAwait(false);
                }
            };
        });
    }

    /// <summary>Maps an action to an asynchronous handler.</summary>
    /// <typeparam name="TBuilder">The host builder type.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <param name="action">The action name (exact, case-sensitive).</param>
    /// <param name="handler">The handler.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder MapAction<TBuilder>(this TBuilder builder, string action, AgentRpcHandler handler)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(handler);
        return builder.MapAction(action, _ => handler);
    }

    /// <summary>Maps an action to a synchronous handler; its return value is the reply.</summary>
    /// <typeparam name="TBuilder">The host builder type.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <param name="action">The action name.</param>
    /// <param name="handler">The handler.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder MapAction<TBuilder>(this TBuilder builder, string action, Func<RpcRequest, object?> handler)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(handler);
        return builder.MapAction(action, _ => (request, _) => ValueTask.FromResult(handler(request)));
    }

    /// <summary>
    /// Maps an action to a typed handler: the request's fields (beside <c>"action"</c>) are
    /// deserialized into <typeparamref name="TArguments"/> (a mismatch replies <c>bad_request</c>),
    /// and the result is the reply.
    /// </summary>
    /// <typeparam name="TBuilder">The host builder type.</typeparam>
    /// <typeparam name="TArguments">The arguments type.</typeparam>
    /// <typeparam name="TResult">The reply type.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <param name="action">The action name.</param>
    /// <param name="handler">The handler.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder MapAction<TBuilder, TArguments, TResult>(this TBuilder builder, string action, Func<TArguments, CancellationToken, Task<TResult>> handler)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(handler);
        return builder.MapAction(action, _ => async (request, cancellationToken) =>
            await handler(request.GetArguments<TArguments>(), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Maps an action to a handler built from the container once, when the RPC server is created.</summary>
    /// <typeparam name="TBuilder">The host builder type.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <param name="action">The action name.</param>
    /// <param name="factory">Builds the handler.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder MapAction<TBuilder>(this TBuilder builder, string action, Func<IServiceProvider, AgentRpcHandler> factory)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        ArgumentNullException.ThrowIfNull(factory);
        AddPipeline(builder.Services);
        builder.AddFleetMessaging().AddRpcHandler(action, sp =>
        {
            var agent = sp.GetService<IFleetAgent>()?.ServiceName ?? "this agent";
            return sp.GetRequiredService<AgentRequestPipeline>().Wrap(agent, action, factory(sp));
        });
        return builder;
    }

    private static void AddPipeline(IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RequestGate>();
        services.TryAddSingleton(static sp => new HostingMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<AgentRequestPipeline>();
    }

    /// <summary>Marks that <see cref="AddFleetAgentDefaults{TBuilder}"/> ran.</summary>
    private sealed class AgentDefaultsMarker;
}
