using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;

namespace Fleet.Sdk.Logging;

/// <summary>
/// The bounded queue between the agent's threads and the sinks. One background thread drains it
/// in batches; producers never touch I/O. Threads wake each other only when they must (an idle
/// consumer gets work; blocked producers get room below a low-water mark), so a sustained storm
/// costs no context switch per event. A full queue drops (counted) or, when asked, blocks.
/// </summary>
internal sealed class BatchingAsyncSink : ILogEventSink, IDisposable
{
    private const int BatchSize = 1024;

    private readonly ILogEventSink _inner;
    private readonly int _capacity;
    private readonly int _lowWater;
    private readonly bool _blockWhenFull;
    private readonly Queue<LogEvent> _queue;
    private readonly object _gate = new();
    private readonly Thread _worker;
    private bool _consumerWaiting;
    private int _producersWaiting;
    private bool _disposed;
    private long _dropped;

    public BatchingAsyncSink(ILogEventSink inner, int capacity, bool blockWhenFull)
    {
        _inner = inner;
        _capacity = capacity;
        _lowWater = Math.Max(capacity / 2, capacity - BatchSize);
        _blockWhenFull = blockWhenFull;
        _queue = new Queue<LogEvent>(Math.Min(capacity, 4096));
        _worker = new Thread(Drain) { IsBackground = true, Name = "Fleet.Sdk.Logging" };
        _worker.Start();
    }

    /// <summary>Gets the number of events dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Emit(LogEvent logEvent)
    {
        lock (_gate)
        {
            while (_queue.Count >= _capacity && !_disposed)
            {
                if (!_blockWhenFull)
                {
                    _dropped++;
                    return;
                }

                _producersWaiting++;
                Monitor.Wait(_gate);
                _producersWaiting--;
            }

            if (_disposed)
            {
                return;
            }

            _queue.Enqueue(logEvent);
            if (_consumerWaiting)
            {
                Monitor.PulseAll(_gate);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Monitor.PulseAll(_gate);
        }

        // The worker empties the queue before it ends, so nothing queued before Dispose is lost.
        _worker.Join();
        (_inner as IDisposable)?.Dispose();
    }

    private void Drain()
    {
        var batch = new LogEvent[BatchSize];
        while (true)
        {
            int count;
            lock (_gate)
            {
                while (_queue.Count == 0)
                {
                    if (_disposed)
                    {
                        return;
                    }

                    _consumerWaiting = true;
                    Monitor.Wait(_gate);
                    _consumerWaiting = false;
                }

                count = Math.Min(_queue.Count, BatchSize);
                for (var i = 0; i < count; i++)
                {
                    batch[i] = _queue.Dequeue();
                }

                if (_producersWaiting > 0 && _queue.Count <= _lowWater)
                {
                    Monitor.PulseAll(_gate);
                }
            }

            for (var i = 0; i < count; i++)
            {
                try
                {
                    _inner.Emit(batch[i]);
                }
                catch (Exception ex)
                {
                    // The sinks below are guarded; this only catches a bug, and the thread must live on.
                    SelfLog.WriteLine("Fleet.Sdk.Logging: the queue's sink threw: {0}", ex);
                }

                batch[i] = null!;
            }
        }
    }
}
