namespace ConsortiumPortal.Cli;

/// <summary>Latency figures the benchmark verbs print.</summary>
public static class LatencyStats
{
    /// <summary>The nearest-rank percentile (p in 0-100) of a sample; 0 for an empty one.</summary>
    public static double Percentile(double[] values, double p)
    {
        if (values.Length == 0) return 0;
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    /// <summary>"p50 a ms, p90 b ms, p99 c ms".</summary>
    public static string Summary(double[] values, string format = "N1") =>
        $"p50 {Percentile(values, 50).ToString(format)} ms, p90 {Percentile(values, 90).ToString(format)} ms, p99 {Percentile(values, 99).ToString(format)} ms";
}
