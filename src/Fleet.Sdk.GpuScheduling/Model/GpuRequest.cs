namespace Fleet.Sdk.GpuScheduling;

/// <summary>
/// What a workload asks of a GPU: an amount of VRAM, a priority and placement rules. A request may
/// list fallback variants (for example 14 GiB fp16, else 8 GiB int8); it gets the first one that fits.
/// </summary>
/// <param name="Workload">The workload, for example <c>llama-70b</c>: letters, digits, <c>-</c>, <c>_</c>, <c>.</c>.</param>
/// <param name="VramMib">The VRAM the preferred variant needs, in MiB.</param>
/// <param name="Priority">Higher wins: a request may preempt leases of strictly lower priority. The default is 0.</param>
/// <param name="Rules">Where it may and should go, or <see langword="null"/> for anywhere.</param>
public sealed record GpuRequest(string Workload, long VramMib, int Priority = 0, GpuPlacementRules? Rules = null)
{
    /// <summary>Gets the name of the preferred variant, reported in the lease.</summary>
    /// <value>The default value is <c>default</c>.</value>
    public string Variant { get; init; } = "default";

    /// <summary>Gets the fallback variants, tried in order when the preferred variant fits nowhere.</summary>
    public IReadOnlyList<GpuVariant> Fallbacks { get; init; } = [];

    /// <summary>Gets the variants in order of preference: the preferred one first, then the fallbacks.</summary>
    /// <returns>The variants.</returns>
    public IReadOnlyList<GpuVariant> Variants() => [new GpuVariant(Variant, VramMib), .. Fallbacks];
}
