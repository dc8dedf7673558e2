using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Formatting;

namespace Fleet.Sdk.Logging;

/// <summary>
/// JSON-lines files in the agent's own directory: <c>{prefix}-000001.jsonl</c>, rolled at a size
/// limit counted as bytes are written (never by asking the file system on each write), flushed on a
/// timer, with the file count and the directory's total bytes capped at each roll (oldest deleted
/// first). If the file or directory vanishes, the next flush notices and starts a new file; if the
/// disk is full, events are counted as lost and writing resumes when it can. It never throws.
/// </summary>
internal sealed partial class FleetFileSink : ILogEventSink, IDisposable
{
    private const int StreamBufferSize = 64 * 1024;

    private readonly string _directory;
    private readonly string _prefix;
    private readonly FleetFileLogOptions _options;
    private readonly ITextFormatter _formatter;
    private readonly LoggingMetrics _metrics;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private readonly StringWriter _text = new(CultureInfo.InvariantCulture);
    private byte[] _bytes = new byte[16 * 1024];
    private FileStream? _stream;
    private string? _path;
    private long _size;
    private long _sequence;
    private bool _disposed;

    public FleetFileSink(string directory, string prefix, FleetFileLogOptions options, ITextFormatter formatter, LoggingMetrics metrics, TimeProvider timeProvider)
    {
        _directory = directory;
        _prefix = prefix;
        _options = options;
        _formatter = formatter;
        _metrics = metrics;

        Directory.CreateDirectory(directory);
        _sequence = ExistingFiles().Select(f => f.Sequence).DefaultIfEmpty(0).Max();
        OpenNext();
        _timer = timeProvider.CreateTimer(_ => Tick(), null, options.FlushInterval, options.FlushInterval);
    }

    /// <summary>Gets the file being written, for tests and diagnostics.</summary>
    public string? CurrentPath
    {
        get
        {
            lock (_gate)
            {
                return _path;
            }
        }
    }

    public void Emit(LogEvent logEvent)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var builder = _text.GetStringBuilder();
            builder.Clear();
            _formatter.Format(logEvent, _text);
            var count = Encode(builder);
            if (count > _options.FileSizeLimitBytes)
            {
                _metrics.EventsLost("file", 1);
                SelfLog.WriteLine("Fleet.Sdk.Logging: an event of {0} bytes is larger than Fleet:Logging:File:FileSizeLimitBytes ({1}) and was not written.", count, _options.FileSizeLimitBytes);
                return;
            }

            if (_stream is null && !TryOpenNext())
            {
                _metrics.EventsLost("file", 1);
                return;
            }

            if (_size + count > _options.FileSizeLimitBytes && _size > 0)
            {
                Roll();
                if (_stream is null)
                {
                    _metrics.EventsLost("file", 1);
                    return;
                }
            }

            try
            {
                _stream!.Write(_bytes, 0, count);
                _size += count;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                Fail("writing", ex, lost: 1);
            }

            if (builder.Capacity > 256 * 1024)
            {
                builder.Capacity = 16 * 1024;
            }
        }
    }

    /// <summary>Flushes buffered events to the file now.</summary>
    public void Flush() => Tick();

    public void Dispose()
    {
        _timer.Dispose();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            CloseCurrent();
        }
    }

    private int Encode(StringBuilder builder)
    {
        var needed = Encoding.UTF8.GetMaxByteCount(builder.Length);
        if (_bytes.Length < needed)
        {
            _bytes = new byte[Math.Max(needed, _bytes.Length * 2)];
        }

        var total = 0;
        foreach (var chunk in builder.GetChunks())
        {
            total += Encoding.UTF8.GetBytes(chunk.Span, _bytes.AsSpan(total));
        }

        return total;
    }

    private void Tick()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (_stream is null)
            {
                TryOpenNext();
                return;
            }

            if (!File.Exists(_path))
            {
                // Someone removed the file or the whole directory: what was buffered since the last
                // flush went to a deleted file. Count the file and start a new one.
                SelfLog.WriteLine("Fleet.Sdk.Logging: log file {0} vanished; starting a new one.", _path!);
                _metrics.FileReopened();
                CloseCurrent();
                TryOpenNext();
                return;
            }

            try
            {
                _stream.Flush();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                Fail("flushing", ex, lost: 0);
            }
        }
    }

    private void Roll()
    {
        CloseCurrent();
        TryOpenNext();
    }

    private bool TryOpenNext()
    {
        try
        {
            OpenNext();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            SelfLog.WriteLine("Fleet.Sdk.Logging: cannot open a log file in {0}: {1}", _directory, ex.Message);
            _metrics.SinkFailed("file");
            return false;
        }
    }

    private void OpenNext()
    {
        Directory.CreateDirectory(_directory);
        EnforceRetention();
        while (true)
        {
            _sequence++;
            var path = Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $"{_prefix}-{_sequence:D6}.jsonl"));
            try
            {
                _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, StreamBufferSize);
                _path = path;
                _size = 0;
                return;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process left a file with this number: take the next one.
            }
        }
    }

    private void CloseCurrent()
    {
        var stream = _stream;
        var path = _path;
        _stream = null;
        _path = null;
        if (stream is null)
        {
            return;
        }

        try
        {
            stream.Dispose();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            SelfLog.WriteLine("Fleet.Sdk.Logging: closing {0} failed: {1}", path!, ex.Message);
            _metrics.SinkFailed("file");
        }
    }

    private void Fail(string action, Exception ex, long lost)
    {
        SelfLog.WriteLine("Fleet.Sdk.Logging: {0} {1} failed: {2}", action, _path!, ex.Message);
        _metrics.SinkFailed("file");
        if (lost > 0)
        {
            _metrics.EventsLost("file", lost);
        }

        // Drop the broken stream without flushing again; the next flush tick opens a new file.
        var stream = _stream;
        var path = _path;
        _stream = null;
        _path = null;
        try
        {
            stream?.SafeFileHandle.Dispose();
        }
        catch (Exception disposeError) when (disposeError is IOException or ObjectDisposedException)
        {
            SelfLog.WriteLine("Fleet.Sdk.Logging: releasing {0} failed: {1}", path!, disposeError.Message);
        }
    }

    private void EnforceRetention()
    {
        List<(string Path, long Sequence, long Length)> files;
        try
        {
            files = ExistingFiles().Where(f => !string.Equals(f.Path, _path, StringComparison.Ordinal)).OrderBy(f => f.Sequence).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            SelfLog.WriteLine("Fleet.Sdk.Logging: cannot list {0} to apply the caps: {1}", _directory, ex.Message);
            return;
        }

        // Room for the file about to be written, at its full size.
        var total = files.Sum(f => f.Length);
        var index = 0;
        while (index < files.Count &&
               (files.Count - index + 1 > _options.RetainedFileCount || total + _options.FileSizeLimitBytes > _options.TotalSizeLimitBytes))
        {
            try
            {
                File.Delete(files[index].Path);
                _metrics.FileDeleted();
                total -= files[index].Length;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                SelfLog.WriteLine("Fleet.Sdk.Logging: cannot delete old log file {0}: {1}", files[index].Path, ex.Message);
            }

            index++;
        }
    }

    private IEnumerable<(string Path, long Sequence, long Length)> ExistingFiles()
    {
        if (!Directory.Exists(_directory))
        {
            yield break;
        }

        foreach (var file in new DirectoryInfo(_directory).EnumerateFiles($"{_prefix}-*.jsonl"))
        {
            var match = FileName().Match(file.Name);
            if (match.Success && string.Equals(match.Groups["prefix"].Value, _prefix, StringComparison.Ordinal) &&
                long.TryParse(match.Groups["seq"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                yield return (file.FullName, sequence, file.Length);
            }
        }
    }

    [GeneratedRegex(@"^(?<prefix>.+)-(?<seq>\d{6,})\.jsonl$", RegexOptions.CultureInvariant)]
    private static partial Regex FileName();
}
