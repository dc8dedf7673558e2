using Fleet.Sdk.Messaging;

namespace Fleet.Sdk.Hosting;

/// <summary>
/// Counts the requests in flight through the host's handlers and refuses new ones while draining,
/// so that shutdown can wait for exactly the requests that were accepted.
/// </summary>
internal sealed class RequestGate
{
    private readonly object _lock = new();
    private int _inFlight;
    private bool _draining;
    private TaskCompletionSource? _idle;

    public int InFlight => Volatile.Read(ref _inFlight);

    public bool IsDraining => Volatile.Read(ref _draining);

    /// <summary>Admits a request, or throws the <c>unavailable</c> error a caller retries elsewhere.</summary>
    public void Enter(string agent, string action)
    {
        lock (_lock)
        {
            if (_draining)
            {
                throw new AgentRpcException(
                    AgentRpcErrorCodes.Unavailable,
                    $"{agent} is draining (shutting down or taken out of service) and accepts no new '{action}' request; call another instance.");
            }

            _inFlight++;
        }
    }

    public void Exit()
    {
        lock (_lock)
        {
            _inFlight--;
            if (_inFlight == 0)
            {
                _idle?.TrySetResult();
            }
        }
    }

    /// <summary>Stops admitting requests; the task completes when none is in flight.</summary>
    public Task StartDrainingAsync()
    {
        lock (_lock)
        {
            _draining = true;
            if (_inFlight == 0)
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task;
        }
    }

    /// <summary>Admits requests again (admin undrain).</summary>
    public void Resume()
    {
        lock (_lock)
        {
            _draining = false;
            _idle = null;
        }
    }
}
