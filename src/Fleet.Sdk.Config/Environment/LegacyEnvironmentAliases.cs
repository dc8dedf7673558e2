namespace Fleet.Sdk.Config;

/// <summary>
/// The environment variables of the Python fleet whose names diverged, with their canonical names.
/// </summary>
public static class LegacyEnvironmentAliases
{
    /// <summary>The main machine's address: <c>MAINPC_IP</c>, formerly also <c>MAIN_PC_IP</c>.</summary>
    public static AliasedEnvironmentVariable MainPcIp { get; } = new("MAINPC_IP", "MAIN_PC_IP");

    /// <summary>The configuration directory: <c>FLEET_CONFIG_DIR</c>, formerly <c>CONFIG_DIR</c>.</summary>
    public static AliasedEnvironmentVariable ConfigDirectory { get; } = new("FLEET_CONFIG_DIR", "CONFIG_DIR");

    /// <summary>The models directory: <c>FLEET_MODELS_DIR</c>, formerly <c>MODELS_DIR</c>.</summary>
    public static AliasedEnvironmentVariable ModelsDirectory { get; } = new("FLEET_MODELS_DIR", "MODELS_DIR");

    /// <summary>The logs directory: <c>FLEET_LOGS_DIR</c>, formerly <c>LOGS_DIR</c>.</summary>
    public static AliasedEnvironmentVariable LogsDirectory { get; } = new("FLEET_LOGS_DIR", "LOGS_DIR");

    /// <summary>The data directory: <c>FLEET_DATA_DIR</c>, formerly <c>DATA_DIR</c>.</summary>
    public static AliasedEnvironmentVariable DataDirectory { get; } = new("FLEET_DATA_DIR", "DATA_DIR");

    /// <summary>The log level of every agent: <c>FLEET_LOG_LEVEL</c>, formerly <c>LOG_LEVEL</c>.</summary>
    public static AliasedEnvironmentVariable LogLevel { get; } = new("FLEET_LOG_LEVEL", "LOG_LEVEL");

    /// <summary>The Redis host: <c>FLEET_REDIS_HOST</c>, formerly <c>REDIS_HOST</c>.</summary>
    public static AliasedEnvironmentVariable RedisHost { get; } = new("FLEET_REDIS_HOST", "REDIS_HOST");

    /// <summary>The Redis port: <c>FLEET_REDIS_PORT</c>, formerly <c>REDIS_PORT</c>.</summary>
    public static AliasedEnvironmentVariable RedisPort { get; } = new("FLEET_REDIS_PORT", "REDIS_PORT");

    /// <summary>Gets every aliased variable, in a stable order.</summary>
    public static IReadOnlyList<AliasedEnvironmentVariable> All { get; } =
        [MainPcIp, ConfigDirectory, ModelsDirectory, LogsDirectory, DataDirectory, LogLevel, RedisHost, RedisPort];

    /// <summary>Finds the aliased variable whose canonical name is <paramref name="canonicalName"/>.</summary>
    /// <param name="canonicalName">A canonical name such as <c>FLEET_MODELS_DIR</c>.</param>
    /// <returns>The variable, or <see langword="null"/> when it has no legacy aliases.</returns>
    public static AliasedEnvironmentVariable? FindByCanonicalName(string canonicalName) =>
        All.FirstOrDefault(v => string.Equals(v.CanonicalName, canonicalName, StringComparison.Ordinal));
}
