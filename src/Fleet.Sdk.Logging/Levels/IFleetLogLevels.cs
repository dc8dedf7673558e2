using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Logging;

/// <summary>
/// The agent's log levels, changeable while it runs: through configuration reload
/// (<c>Fleet:Logging:MinimumLevel</c>, <c>Fleet:Logging:Levels:&lt;prefix&gt;</c>, or Serilog's
/// <c>Serilog:MinimumLevel</c>) and through this API, which a host can expose like Steeltoe's
/// loggers endpoint. Levels set here win over configuration until reset.
/// </summary>
public interface IFleetLogLevels
{
    /// <summary>Gets the level for categories no prefix matches.</summary>
    LogLevel MinimumLevel { get; }

    /// <summary>Gets every prefix with its effective level (configuration, then runtime changes on top).</summary>
    IReadOnlyDictionary<string, LogLevel> Levels { get; }

    /// <summary>Gets a number that changes whenever a level changes.</summary>
    int Version { get; }

    /// <summary>Gets the effective level of <paramref name="category"/>: the longest matching prefix, else <see cref="MinimumLevel"/>.</summary>
    /// <param name="category">A logger category, for example <c>Fleet.Sdk.Messaging.RpcServer</c>.</param>
    /// <returns>The level.</returns>
    LogLevel GetLevel(string category);

    /// <summary>Sets the level of every category starting with <paramref name="categoryPrefix"/>, at once and without a restart.</summary>
    /// <param name="categoryPrefix">A category prefix; <c>""</c> or <c>Default</c> sets <see cref="MinimumLevel"/>.</param>
    /// <param name="level">The new level.</param>
    void SetLevel(string categoryPrefix, LogLevel level);

    /// <summary>Removes a level set with <see cref="SetLevel"/>, returning the prefix to its configured level.</summary>
    /// <param name="categoryPrefix">The prefix.</param>
    /// <returns><see langword="true"/> when a runtime level was removed.</returns>
    bool ResetLevel(string categoryPrefix);
}
