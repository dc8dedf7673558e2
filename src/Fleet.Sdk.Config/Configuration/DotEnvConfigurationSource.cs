using Microsoft.Extensions.Configuration;

namespace Fleet.Sdk.Config;

/// <summary>
/// The variables of <c>.env</c> files as configuration, named like environment variables
/// (<c>FLEET__LOGGING__LEVEL</c> is <c>Fleet:Logging:Level</c>); placed just below the environment,
/// which wins over it. Missing files are skipped; a malformed one fails with its line.
/// </summary>
public sealed class DotEnvConfigurationSource : IConfigurationSource
{
    /// <summary>Gets the <c>.env</c> files, lowest precedence first.</summary>
    public IList<string> Files { get; } = [];

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new DotEnvConfigurationProvider(this);

    private sealed class DotEnvConfigurationProvider(DotEnvConfigurationSource source) : ConfigurationProvider
    {
        public override void Load()
        {
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            var errors = new List<FleetConfigurationError>();
            foreach (var path in source.Files.Where(File.Exists))
            {
                var file = DotEnvFile.TryLoad(path, errors);
                foreach (var entry in file?.Entries ?? [])
                {
                    data[entry.Name.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] = entry.Value;
                }
            }

            if (errors.Count > 0)
            {
                throw FleetConfigurationErrors.LoadFailed(errors);
            }

            Data = data;
        }

        public override string ToString() => $"DotEnv({string.Join(", ", source.Files)})";
    }
}
