using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The one way every Fleet.Sdk package registers its options, so that each package's
/// <c>AddFleetX()</c>, <c>AddFleetX(Action&lt;XOptions&gt;)</c> and <c>AddFleetX(IConfigurationSection)</c>
/// end in the same behaviour.
/// </summary>
public static class FleetOptionsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TOptions"/> bound from <paramref name="section"/> when one is
    /// given, otherwise (once, however often this is called) from <paramref name="sectionName"/> of
    /// the registered <see cref="IConfiguration"/>; then applies <paramref name="configure"/>, adds
    /// <paramref name="validator"/> once, and validates when the host starts.
    /// </summary>
    /// <typeparam name="TOptions">The options type.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="sectionName">The default section, for example <c>Fleet:Discovery</c>.</param>
    /// <param name="section">A section given explicitly, or <see langword="null"/>.</param>
    /// <param name="configure">Changes applied after binding, or <see langword="null"/>.</param>
    /// <param name="validator">The cross-field validator, or <see langword="null"/>.</param>
    /// <returns>The options builder, for more registration.</returns>
    public static OptionsBuilder<TOptions> AddFleetOptions<TOptions>(
        this IServiceCollection services,
        string sectionName,
        IConfiguration? section = null,
        Action<TOptions>? configure = null,
        Type? validator = null)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(sectionName);

        var options = services.AddOptions<TOptions>();
        if (section is not null)
        {
            options.Bind(section);
        }
        else if (!services.Any(d => d.ServiceType == typeof(DefaultSectionBound<TOptions>)))
        {
            options.BindConfiguration(sectionName);
        }

        services.TryAddSingleton<DefaultSectionBound<TOptions>>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (validator is not null)
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IValidateOptions<TOptions>), validator));
        }

        return options.ValidateOnStart();
    }

    /// <summary>Marks that the default section of <typeparamref name="TOptions"/> is bound, so repeat calls do not bind it twice.</summary>
    /// <typeparam name="TOptions">The options type.</typeparam>
    private sealed class DefaultSectionBound<TOptions>;
}
