using System.Buffers;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Fleet.Sdk.Testing;

/// <summary>
/// One direction of one proxied connection: a reader that stamps and queues what the source
/// sends, and a writer that runs each chunk through the toxic chain and sends it on.
/// </summary>
/// <remarks>
/// With no toxic on the link and nothing queued, the reader sends straight to the destination:
/// the no-toxic path costs one receive and one send, which keeps the proxy's added latency low.
/// As soon as a toxic is added, chunks go through the queue in order; when the chain is empty
/// again and the queue has drained, the fast path resumes, so order is never broken. There is no
/// half-close, as in Toxiproxy: when the source ends, the destination socket is closed.
/// </remarks>
internal sealed class ToxicLink
{
    internal const int BufferSize = 64 * 1024;
    private const int QueueCapacity = 64;
    private static readonly Chunk End = new([], 0, -1, 0);

    private readonly ProxyConnection _connection;
    private readonly Socket _source;
    private readonly Socket _destination;
    private readonly Channel<Chunk> _queue = Channel.CreateBounded<Chunk>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly CancellationTokenSource _closed = new();
    private readonly Lock _gate = new();
    private ToxicStage[] _stages = [];
    private CancellationTokenSource _interrupt = new();
    private int _closeFrom = -1;
    private int _pending;
    private StageOutcome _terminal;
    private int _terminalStage;
    private Task _reader = Task.CompletedTask;
    private Task _writer = Task.CompletedTask;

    public ToxicLink(ProxyConnection connection, ToxicStream direction, Socket source, Socket destination, TimeProvider time)
    {
        _connection = connection;
        Direction = direction;
        _source = source;
        _destination = destination;
        Context = new StageContext(time, _closed.Token);
    }

    public ToxicStream Direction { get; }

    public StageContext Context { get; }

    public Task Completion => Task.WhenAll(_reader, _writer);

    /// <summary>Gets the stages in chain order; read and replaced under the toxic collection's lock.</summary>
    public ToxicStage[] Stages => Volatile.Read(ref _stages);

    public void Start(ToxicStage[] stages)
    {
        _stages = stages;
        _writer = Task.Run(WriteLoopAsync);
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>
    /// Swaps the chain and interrupts what the old one holds (it is flushed on). With
    /// <paramref name="closeFrom"/> set, the link ends as if the stage before that index had closed it.
    /// </summary>
    public void SetStages(ToxicStage[] stages, int closeFrom = -1)
    {
        CancellationTokenSource previous;
        lock (_gate)
        {
            Volatile.Write(ref _stages, stages);
            if (closeFrom >= 0 && _closeFrom < 0)
            {
                _closeFrom = closeFrom;
            }

            previous = _interrupt;
            _interrupt = new CancellationTokenSource();
        }

        // Cancelling runs continuations; CancelAsync runs them off the caller, which holds locks.
        _ = previous.CancelAsync();
    }

    /// <summary>Stops both loops: the connection is going away.</summary>
    public void Close()
    {
        if (!_closed.IsCancellationRequested)
        {
            _ = _closed.CancelAsync();
            lock (_gate)
            {
                _ = _interrupt.CancelAsync();
            }
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                var read = await ReceiveAsync(buffer).ConfigureAwait(false);
                if (read == 0)
                {
                    await TryEnqueueAsync(End).ConfigureAwait(false);
                    return;
                }

                if (Volatile.Read(ref _pending) == 0 && Volatile.Read(ref _stages).Length == 0)
                {
                    if (!await SendAsync(buffer.AsMemory(0, read)).ConfigureAwait(false))
                    {
                        return;
                    }

                    continue;
                }

                Interlocked.Increment(ref _pending);
                var chunk = new Chunk(buffer, 0, read, Context.Now);
                buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                if (!await TryEnqueueAsync(chunk).ConfigureAwait(false))
                {
                    ArrayPool<byte>.Shared.Return(chunk.Buffer);
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _queue.Writer.TryComplete();
        }
    }

    private async ValueTask<int> ReceiveAsync(byte[] buffer)
    {
        try
        {
            return await _source.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The peer reset, or the other direction closed this socket: either way, the end.
            return 0;
        }
    }

    private async ValueTask<bool> TryEnqueueAsync(Chunk chunk)
    {
        try
        {
            await _queue.Writer.WriteAsync(chunk).ConfigureAwait(false);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    private async ValueTask<bool> SendAsync(ReadOnlyMemory<byte> data)
    {
        try
        {
            while (!data.IsEmpty)
            {
                var sent = await _destination.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
                data = data[sent..];
            }

            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            _connection.CloseSocket(_destination);
            return false;
        }
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            while (!_closed.IsCancellationRequested)
            {
                ToxicStage[] stages;
                int closeFrom;
                lock (_gate)
                {
                    stages = _stages;
                    closeFrom = _closeFrom;
                    Context.Interrupt = _interrupt.Token;
                }

                if (closeFrom >= 0)
                {
                    await FinishAsync(stages, closeFrom).ConfigureAwait(false);
                    return;
                }

                if (!_queue.Reader.TryRead(out var chunk))
                {
                    var (deadline, stage) = EarliestIdleDeadline(stages);
                    switch (await WaitForInputAsync(deadline).ConfigureAwait(false))
                    {
                        case Wait.Completed:
                            _connection.CloseSocket(_destination);
                            return;
                        case Wait.Deadline:
                            await FinishAsync(stages, stage + 1).ConfigureAwait(false);
                            return;
                        default:
                            continue;
                    }
                }

                if (chunk.Count < 0)
                {
                    await FinishAsync(stages, 0).ConfigureAwait(false);
                    return;
                }

                try
                {
                    await RunAsync(stages, 0, chunk).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(chunk.Buffer);
                    Interlocked.Decrement(ref _pending);
                }

                switch (_terminal)
                {
                    case StageOutcome.Close:
                        await FinishAsync(stages, _terminalStage + 1).ConfigureAwait(false);
                        return;
                    case StageOutcome.Reset:
                        _connection.Reset();
                        return;
                }
            }
        }
        catch (OperationCanceledException) when (_closed.IsCancellationRequested)
        {
            // The connection was closed (proxy disabled or deleted) while a toxic was waiting.
        }
        finally
        {
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var left))
            {
                if (left.Count >= 0)
                {
                    ArrayPool<byte>.Shared.Return(left.Buffer);
                }
            }
        }
    }

    private async ValueTask<bool> RunAsync(ToxicStage[] stages, int index, Chunk chunk)
    {
        if (_terminal != StageOutcome.Continue)
        {
            return false;
        }

        if (index == stages.Length)
        {
            return await SendAsync(chunk.Memory).ConfigureAwait(false);
        }

        var outcome = await stages[index].OnChunkAsync(chunk, piece => RunAsync(stages, index + 1, piece), Context).ConfigureAwait(false);
        if (outcome != StageOutcome.Continue && _terminal == StageOutcome.Continue)
        {
            _terminal = outcome;
            _terminalStage = index;
        }

        return _terminal == StageOutcome.Continue;
    }

    /// <summary>The end travels through the stages from <paramref name="from"/> (slow_close waits), then the destination closes.</summary>
    private async Task FinishAsync(ToxicStage[] stages, int from)
    {
        for (var i = from; i < stages.Length; i++)
        {
            await stages[i].OnEndAsync(Context).ConfigureAwait(false);
        }

        _connection.CloseSocket(_destination);
    }

    private (long? Deadline, int Stage) EarliestIdleDeadline(ToxicStage[] stages)
    {
        (long? Deadline, int Stage) earliest = (null, -1);
        for (var i = 0; i < stages.Length; i++)
        {
            var deadline = stages[i].IdleDeadline(Context);
            if (deadline is not null && (earliest.Deadline is null || deadline < earliest.Deadline))
            {
                earliest = (deadline, i);
            }
        }

        return earliest;
    }

    private async ValueTask<Wait> WaitForInputAsync(long? deadline)
    {
        var interrupt = Context.Interrupt;
        if (deadline is null)
        {
            try
            {
                return await _queue.Reader.WaitToReadAsync(interrupt).ConfigureAwait(false) ? Wait.Ready : Wait.Completed;
            }
            catch (OperationCanceledException)
            {
                return Wait.Interrupted;
            }
        }

        var remaining = Context.Until(deadline.Value);
        if (remaining <= TimeSpan.Zero)
        {
            return Wait.Deadline;
        }

        using var timer = new CancellationTokenSource(remaining, Context.Time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(interrupt, timer.Token);
        try
        {
            return await _queue.Reader.WaitToReadAsync(either.Token).ConfigureAwait(false) ? Wait.Ready : Wait.Completed;
        }
        catch (OperationCanceledException)
        {
            return timer.IsCancellationRequested && !interrupt.IsCancellationRequested ? Wait.Deadline : Wait.Interrupted;
        }
    }

    private enum Wait
    {
        Ready,
        Completed,
        Deadline,
        Interrupted,
    }
}
