using Fleet.Sdk.Coordination;

namespace Fleet.Sdk.GpuScheduling;

/// <summary>Every error message of the package, built in one place.</summary>
internal static class GpuSchedulingErrors
{
    public static GpuLedgerUnavailableException LedgerUnavailable(CoordinationUnavailableException cause) => new(
        $"The GPU ledger cannot be reached: {cause.Message} No new lease was granted; leases already held keep renewing once the engine is back. On a single machine, Fleet:Gpu:Ledger=InProcess needs no servers.",
        cause);

    public static GpuLedgerUnavailableException LedgerContended(GpuId gpu, int attempts) => new(
        $"The GPU ledger entry of {gpu} kept changing under other writers: {attempts} compare-and-set attempts in a row lost the race. Nothing was reserved or changed by this call; retry it.");

    public static ArgumentException BadRequest(string problem) => new(
        $"The GPU request is malformed: {problem}", "request");

    public static void ThrowIfInvalid(GpuRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Workload) || !request.Workload.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw BadRequest($"Workload '{request.Workload}' must be a non-empty name of letters, digits, '-', '_' and '.', for example 'llama-70b'.");
        }

        foreach (var variant in request.Variants())
        {
            if (variant.VramMib <= 0)
            {
                throw BadRequest($"variant '{variant.Name}' of '{request.Workload}' asks for {variant.VramMib} MiB; give a positive amount of VRAM in MiB (14 GiB = 14336).");
            }

            if (string.IsNullOrWhiteSpace(variant.Name))
            {
                throw BadRequest($"a variant of '{request.Workload}' has no name; name each variant, for example 'fp16' or 'int8'.");
            }
        }
    }
}
