namespace Fleet.Sdk.Benchmarks;

/// <summary>Percentiles of latency samples, as the runners print them.</summary>
internal static class Percentiles
{
    /// <summary>The sample at rank floor(<paramref name="p"/> x count) of <paramref name="sorted"/> (ascending); 0 without samples.</summary>
    public static double Of(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    /// <summary>The nearest-rank percentile (the sample at rank ceil(<paramref name="p"/> x count)) of <paramref name="sorted"/> (ascending, not empty).</summary>
    public static double NearestRank(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
