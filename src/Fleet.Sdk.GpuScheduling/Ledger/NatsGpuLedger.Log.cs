using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.GpuScheduling;

internal sealed partial class NatsGpuLedger
{
    [LoggerMessage(EventId = 7100, Level = LogLevel.Information, Message = "GPU ledger bucket {Bucket} ready ({Replicas} replica(s)).")]
    private static partial void LogBucketReady(ILogger logger, string bucket, int replicas);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Debug, Message = "GPU ledger {Bucket}: another writer changed the GPU's key first (attempt {Attempt}); reading it again.")]
    private static partial void LogConflict(ILogger logger, string bucket, int attempt);
}
