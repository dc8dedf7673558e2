namespace Fleet.Sdk.Hosting;

/// <summary>The running agent as the host sees it: its state, its dependencies, and the drain switch.</summary>
public interface IFleetAgent
{
    /// <summary>Gets the service name the agent registers and reports.</summary>
    string ServiceName { get; }

    /// <summary>Gets the agent's state.</summary>
    AgentState State { get; }

    /// <summary>Gets the dependencies and whether each answers.</summary>
    IReadOnlyList<AgentDependencyStatus> Dependencies { get; }

    /// <summary>Gets the number of requests the host's handlers are running.</summary>
    int InFlightRequests { get; }

    /// <summary>Gets the RPC endpoints bound (random ports resolved), empty without an RPC server.</summary>
    IReadOnlyList<string> RpcEndpoints { get; }

    /// <summary>Gets the base address of the health port (<c>http://127.0.0.1:8200/</c>), or <see langword="null"/> when the agent serves no HTTP.</summary>
    Uri? HealthAddress { get; }

    /// <summary>Gets the time from process start to ready, once ready.</summary>
    TimeSpan? StartupTime { get; }

    /// <summary>
    /// Takes the agent out of service: new requests are refused with <c>unavailable</c> (callers fail
    /// over), discovery marks it critical, readiness turns 503, and the task completes when the
    /// requests in flight have finished. The process keeps running; <see cref="ResumeAsync"/> undoes it.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting for the requests in flight (the agent stays drained).</param>
    /// <returns>A task that completes when no request is in flight.</returns>
    Task DrainAsync(CancellationToken cancellationToken = default);

    /// <summary>Puts a drained agent back in service.</summary>
    /// <returns>A task that completes when discovery has the agent's health again.</returns>
    Task ResumeAsync();
}
