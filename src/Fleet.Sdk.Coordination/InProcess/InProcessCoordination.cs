namespace Fleet.Sdk.Coordination;

/// <summary>The in-process engine: nothing to connect to; each capability keeps its state in this process.</summary>
internal sealed class InProcessCoordination(string fleetName) : IFleetCoordination
{
    public CoordinationEngine Engine => CoordinationEngine.InProcess;

    public string Endpoint => "in-process";

    public string KeyPrefix { get; } = $"fleet:{fleetName}:";

    public TimeSpan OperationTimeout => TimeSpan.FromSeconds(2);

    public bool IsConnected => true;

    public Task<TimeSpan> PingAsync(TimeSpan timeout, CancellationToken cancellationToken = default) => Task.FromResult(TimeSpan.Zero);
}
