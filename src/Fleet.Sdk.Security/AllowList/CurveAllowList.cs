using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Security;

/// <summary>
/// The public keys allowed to connect, loaded from a directory of public certificates (pyzmq's
/// <c>*.key</c> files and czmq's extension-less ones, as pyzmq's and czmq's authenticators do).
/// Reloads on file changes and on a timer, without a restart; a malformed file is skipped and
/// logged, never taking the other keys with it. A missing directory allows nobody.
/// </summary>
public sealed partial class CurveAllowList : IDisposable
{
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly FileSystemWatcher? _watcher;
    private readonly ITimer? _timer;
    private FrozenSet<string> _keys = FrozenSet<string>.Empty;
    private string _fingerprint = string.Empty;
    private bool _disposed;

    /// <summary>Loads the allow-list from <paramref name="directory"/> and keeps it current.</summary>
    /// <param name="directory">The directory of public certificates.</param>
    /// <param name="reloadInterval">How often to look for changes the file watcher missed; <see cref="Timeout.InfiniteTimeSpan"/> turns polling off.</param>
    /// <param name="logger">Where reloads and skipped files are reported.</param>
    /// <param name="timeProvider">The clock for polling.</param>
    public CurveAllowList(string directory, TimeSpan reloadInterval, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
        _logger = logger ?? NullLogger.Instance;
        Reload();

        if (System.IO.Directory.Exists(Directory))
        {
            try
            {
                _watcher = new FileSystemWatcher(Directory) { IncludeSubdirectories = false, EnableRaisingEvents = true };
                _watcher.Created += OnChanged;
                _watcher.Changed += OnChanged;
                _watcher.Deleted += OnChanged;
                _watcher.Renamed += OnChanged;
            }
            catch (Exception ex) when (ex is IOException or PlatformNotSupportedException or ArgumentException)
            {
                // Polling below still picks up changes; say why they may arrive later.
                LogWatcherUnavailable(_logger, Directory, ex.Message);
            }
        }

        if (reloadInterval != Timeout.InfiniteTimeSpan)
        {
            _timer = (timeProvider ?? TimeProvider.System).CreateTimer(_ => ReloadIfChanged(), null, reloadInterval, reloadInterval);
        }
    }

    /// <summary>Raised after a reload changed the set of keys.</summary>
    public event EventHandler? Changed;

    /// <summary>Gets the directory the keys come from.</summary>
    public string Directory { get; }

    /// <summary>Gets the number of allowed keys.</summary>
    public int Count => _keys.Count;

    /// <summary>Gets the allowed keys, as Z85 text.</summary>
    public IReadOnlyCollection<string> Keys => _keys;

    /// <summary>Gets a value indicating whether <paramref name="key"/> may connect.</summary>
    /// <param name="key">A client's public key.</param>
    /// <returns><see langword="true"/> when its certificate is in the directory.</returns>
    public bool IsAllowed(CurvePublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _keys.Contains(key.ToZ85());
    }

    /// <summary>Gets a value indicating whether the 32-byte key <paramref name="key"/> may connect.</summary>
    /// <param name="key">A client's public key as ZAP delivers it.</param>
    /// <returns><see langword="true"/> when its certificate is in the directory.</returns>
    public bool IsAllowed(ReadOnlySpan<byte> key) => key.Length == CurvePublicKey.Length && _keys.Contains(Z85.Encode(key));

    /// <summary>Re-reads the directory now.</summary>
    public void Reload()
    {
        lock (_gate)
        {
            ReloadCore(Fingerprint());
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        _watcher?.Dispose();
        _timer?.Dispose();
    }

    private void OnChanged(object sender, FileSystemEventArgs e) => ReloadIfChanged();

    private void ReloadIfChanged()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var fingerprint = Fingerprint();
            if (!string.Equals(fingerprint, _fingerprint, StringComparison.Ordinal))
            {
                ReloadCore(fingerprint);
            }
        }
    }

    private void ReloadCore(string fingerprint)
    {
        _fingerprint = fingerprint;
        if (!System.IO.Directory.Exists(Directory))
        {
            LogDirectoryMissing(_logger, Directory);
            Publish(FrozenSet<string>.Empty);
            return;
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var file in CandidateFiles())
            {
                try
                {
                    keys.Add(CurveCertificate.Load(file).PublicKey.ToZ85());
                }
                catch (FleetSecurityException ex)
                {
                    LogFileSkipped(_logger, file, ex.Message);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A transient listing failure keeps the keys already loaded rather than locking every client out.
            LogDirectoryUnreadable(_logger, Directory, ex.Message);
            return;
        }

        Publish(keys.ToFrozenSet(StringComparer.Ordinal));
    }

    private void Publish(FrozenSet<string> keys)
    {
        var changed = !keys.SetEquals(_keys);
        _keys = keys;
        if (changed)
        {
            LogReloaded(_logger, Directory, keys.Count);
            Changed?.Invoke(this, EventArgs.Empty);
        }
    }

    private IEnumerable<string> CandidateFiles()
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            if (name.StartsWith('.') || name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                continue;
            }

            if (CurveSecretFiles.IsSecretFileName(name))
            {
                LogSecretInAllowList(_logger, file);
                continue;
            }

            // pyzmq: *.key; czmq: public certificates have no extension.
            if (name.EndsWith(".key", StringComparison.Ordinal) || !name.Contains('.', StringComparison.Ordinal))
            {
                yield return file;
            }
        }
    }

    private string Fingerprint()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return "missing";
        }

        try
        {
            return string.Join('|', new DirectoryInfo(Directory).EnumerateFiles()
                .OrderBy(f => f.Name, StringComparer.Ordinal)
                .Select(f => $"{f.Name}:{f.Length}:{f.LastWriteTimeUtc.Ticks}"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogDirectoryUnreadable(_logger, Directory, ex.Message);
            return "unreadable";
        }
    }

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "CURVE allow-list {Directory} now holds {Count} key(s).")]
    private static partial void LogReloaded(ILogger logger, string directory, int count);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Skipped {File} in the CURVE allow-list: {Reason}")]
    private static partial void LogFileSkipped(ILogger logger, string file, string reason);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Warning,
        Message = "CURVE allow-list directory {Directory} does not exist: no client can connect. Create it and copy the clients' public certificates (*.key) into it.")]
    private static partial void LogDirectoryMissing(ILogger logger, string directory);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Warning,
        Message = "{File} is a secret certificate inside the CURVE allow-list; it is ignored. Keep only public certificates there and move the secret one somewhere private.")]
    private static partial void LogSecretInAllowList(ILogger logger, string file);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Warning, Message = "Cannot watch {Directory} for changes ({Reason}); changes are picked up by polling.")]
    private static partial void LogWatcherUnavailable(ILogger logger, string directory, string reason);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Warning, Message = "Cannot read CURVE allow-list directory {Directory}: {Reason}")]
    private static partial void LogDirectoryUnreadable(ILogger logger, string directory, string reason);
}
