using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace Fleet.Sdk.Config;

/// <summary>The provider of <see cref="FleetTopologyConfigurationSource"/>: loads, validates, watches and reloads the topology.</summary>
public sealed class FleetTopologyConfigurationProvider : ConfigurationProvider, IDisposable
{
    private readonly FleetTopologyConfigurationSource _source;
    private readonly Lock _gate = new();
    private readonly List<PhysicalFileProvider> _watchers = [];
    private IDisposable? _subscription;
    private Dictionary<string, SourceLocation> _locations = new(StringComparer.OrdinalIgnoreCase);
    private bool _disposed;

    /// <summary>Creates the provider.</summary>
    /// <param name="source">The source.</param>
    public FleetTopologyConfigurationProvider(FleetTopologyConfigurationSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
    }

    /// <summary>Raised when a reload after a file change failed; the last good configuration stays in place.</summary>
    public event EventHandler<FleetConfigurationException>? ReloadFailed;

    /// <summary>Gets the result of the last successful load: the topology and its warnings.</summary>
    public FleetTopologyLoadResult? LastResult { get; private set; }

    /// <summary>Gets why the first load failed, when the source defers load errors to host start; otherwise a failed load throws.</summary>
    internal FleetConfigurationException? LoadError { get; private set; }

    /// <summary>Gets the error of the last reload, or <see langword="null"/> when it succeeded.</summary>
    public FleetConfigurationException? LastReloadError { get; private set; }

    /// <summary>Gets how many times the topology was reloaded after a change, successfully.</summary>
    public int ReloadCount { get; private set; }

    /// <inheritdoc />
    public override void Load()
    {
        FleetTopologyLoadResult result;
        Dictionary<string, string?> data;
        Dictionary<string, SourceLocation> locations;
        try
        {
            (result, data, locations) = LoadCore();
        }
        catch (FleetConfigurationException ex) when (_source.DeferLoadErrors)
        {
            // A host reports it when it starts (AddFleetConfiguration): then an agent logs it and exits with its configuration exit code.
            LoadError = ex;
            return;
        }

        LoadError = null;
        lock (_gate)
        {
            LastResult = result;
            Data = data;
            _locations = locations;
        }

        if (_source.ReloadOnChange && _subscription is null)
        {
            Watch(result);
        }
    }

    /// <summary>Gets where a configuration key's value was written, when this provider supplied it.</summary>
    /// <param name="key">The key, for example <c>Fleet:Topology:Agents:ServiceRegistry:Port</c>.</param>
    /// <returns>The location, or <see langword="null"/>.</returns>
    public SourceLocation? GetLocation(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            return _locations.TryGetValue(key, out var location) ? location : null;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"FleetTopology({string.Join(", ", _source.LoadOptions.Sources.Select(s => s.Path))})";

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        _subscription?.Dispose();
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        _watchers.Clear();
    }

    private (FleetTopologyLoadResult Result, Dictionary<string, string?> Data, Dictionary<string, SourceLocation> Locations) LoadCore()
    {
        var result = FleetTopologyLoader.Load(_source.LoadOptions);
        result.ThrowIfErrors();
        var (data, locations) = TopologyFlattener.Flatten(result.Topology, _source.Agent, _source.LoadOptions.Machine);
        return (result, data, locations);
    }

    private void Reload()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            var (result, data, locations) = LoadCore();
            lock (_gate)
            {
                LastResult = result;
                Data = data;
                _locations = locations;
                LastReloadError = null;
                ReloadCount++;
            }

            OnReload();
        }
        catch (FleetConfigurationException ex)
        {
            LastReloadError = ex;
            ReloadFailed?.Invoke(this, ex);
        }
    }

    private void Watch(FleetTopologyLoadResult result)
    {
        // Watch every file read, plus the overrides folder and the .env file beside each topology file (they may appear later).
        var filters = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        void Add(string path)
        {
            var full = Path.GetFullPath(path);
            var directory = Path.GetDirectoryName(full)!;
            if (!filters.TryGetValue(directory, out var set))
            {
                filters[directory] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.Add(Path.GetFileName(full));
        }

        foreach (var file in result.Files)
        {
            Add(file.Path);
        }

        foreach (var source in _source.LoadOptions.Sources)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(source.Path))!;
            Add(Path.Combine(directory, ".env"));
            Add(Path.Combine(directory, FleetTopologySchema.OverridesFolder, "*"));
        }

        var tokens = new List<Func<IChangeToken>>();
        foreach (var (directory, names) in filters)
        {
            if (!Directory.Exists(directory))
            {
                continue;
            }

            var provider = new PhysicalFileProvider(directory);
            _watchers.Add(provider);
            foreach (var name in names)
            {
                tokens.Add(() => provider.Watch(name));
            }
        }

        foreach (var (directory, names) in filters.Where(f => !Directory.Exists(f.Key)))
        {
            // overrides/ may not exist yet: watch for it under its parent.
            var parent = Path.GetDirectoryName(directory)!;
            if (Directory.Exists(parent) && names.Contains("*"))
            {
                var provider = new PhysicalFileProvider(parent);
                _watchers.Add(provider);
                var folder = Path.GetFileName(directory);
                tokens.Add(() => provider.Watch(folder + "/*"));
            }
        }

        _subscription = ChangeToken.OnChange(
            () => new CompositeChangeToken(tokens.Select(t => t()).ToList()),
            () => _ = ReloadAfterDelayAsync());
    }

    private async Task ReloadAfterDelayAsync()
    {
        await Task.Delay(_source.ReloadDelay, _source.TimeProvider).ConfigureAwait(false);
        Reload();
    }
}
