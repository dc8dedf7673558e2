using Fleet.Sdk.Messaging;

namespace Fleet.Sdk.Hosting;

/// <summary>
/// Wraps every handler registered through the host: admits it through the drain gate (refusing
/// with <c>unavailable</c> while draining), counts it in flight, and records its outcome and duration.
/// </summary>
internal sealed class AgentRequestPipeline(RequestGate gate, HostingMetrics metrics, TimeProvider time)
{
    public AgentRpcHandler Wrap(string agent, string action, AgentRpcHandler inner) => async (request, cancellationToken) =>
    {
        try
        {
            gate.Enter(agent, action);
        }
        catch (AgentRpcException)
        {
            metrics.Refused(action);
            throw;
        }

        var started = time.GetTimestamp();
        var outcome = "failed";
        try
        {
            var reply = await inner(request, cancellationToken).ConfigureAwait(false);
            outcome = "ok";
            return reply;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = "timeout";
            throw;
        }
        catch (AgentRpcException)
        {
            outcome = "error";
            throw;
        }
        finally
        {
            metrics.Request(action, outcome, time.GetElapsedTime(started));
            gate.Exit();
        }
    };
}
