using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.GpuScheduling;

internal sealed partial class GpuScheduler
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "GPU lease granted: {Workload}/{Variant} ({VramMib} MiB) on {Gpu}, fencing token {Token}, lease {LeaseId}.")]
    private static partial void LogGranted(ILogger logger, string workload, string variant, long vramMib, string gpu, long token, string leaseId);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "GPU request for {Workload} does not fit: {Reason}")]
    private static partial void LogDoesNotFit(ILogger logger, string workload, string reason);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "Evicting {Victim} (lease {LeaseId}, priority {VictimPriority}, {VramMib} MiB) from {Gpu} for {Workload} (priority {Priority}); it has {GraceSeconds} s to unload.")]
    private static partial void LogEvicting(ILogger logger, string victim, string leaseId, int victimPriority, long vramMib, string gpu, string workload, int priority, double graceSeconds);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "GPU lease of {Workload} (lease {LeaseId}) on {Gpu} is being revoked by a higher-priority request: unload before {Deadline:O}.")]
    private static partial void LogRevoked(ILogger logger, string workload, string leaseId, string gpu, DateTimeOffset deadline);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Error, Message = "GPU lease of {Workload} (lease {LeaseId}) on {Gpu} is lost: {Why}. Stop using the GPU; acquire again to continue.")]
    private static partial void LogLost(ILogger logger, string workload, string leaseId, string gpu, string why);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Warning, Message = "Renewing the GPU lease of {Workload} (lease {LeaseId}) failed: {Reason}. It holds until its expiry; retrying.")]
    private static partial void LogRenewFailed(ILogger logger, string workload, string leaseId, string reason);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Information, Message = "GPU lease of {Workload} (lease {LeaseId}) on {Gpu} released.")]
    private static partial void LogReleased(ILogger logger, string workload, string leaseId, string gpu);

    [LoggerMessage(EventId = 7008, Level = LogLevel.Warning, Message = "Releasing the GPU lease of {Workload} (lease {LeaseId}) failed: {Reason}. It expires by itself after its TTL.")]
    private static partial void LogReleaseFailed(ILogger logger, string workload, string leaseId, string reason);

    [LoggerMessage(EventId = 7009, Level = LogLevel.Warning, Message = "Stale GPU fencing token refused: {Token} (the GPU's latest token is {CurrentFence}).")]
    private static partial void LogStale(ILogger logger, string token, long currentFence);

    [LoggerMessage(EventId = 7010, Level = LogLevel.Warning, Message = "Memory pressure on {Gpu}: {UsedMib} MiB in use but only {ReservedMib} MiB leased; a workload uses more than it reserved, or runs without a lease.")]
    private static partial void LogMemoryPressure(ILogger logger, string gpu, long usedMib, long reservedMib);

    [LoggerMessage(EventId = 7011, Level = LogLevel.Debug, Message = "GPU reservation for {Workload} on {Gpu} lost a race with another caller; deciding again.")]
    private static partial void LogRaceLost(ILogger logger, string workload, string gpu);

    [LoggerMessage(EventId = 7012, Level = LogLevel.Error, Message = "A StateChanged handler of the GPU lease of {Workload} threw; the lease carries on.")]
    private static partial void LogHandlerFailed(ILogger logger, string workload, Exception exception);
}
