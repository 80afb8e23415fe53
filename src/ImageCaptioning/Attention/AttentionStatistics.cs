namespace ImageCaptioning.Attention;

/// <summary>
/// The arithmetic of the attention statistics, on one attention map α over P cells (non-negative, summing to 1).
/// </summary>
public static class AttentionStatistics
{
    /// <summary>
    /// Entropy of α divided by its largest possible value ln P: 1 for the uniform map, 0 for a map on one cell.
    /// Cells with α = 0 contribute 0 (the limit of −α ln α).
    /// </summary>
    public static double NormalizedEntropy(ReadOnlySpan<float> alpha)
    {
        if (alpha.Length < 2) throw new ArgumentException("an attention map needs at least two cells", nameof(alpha));
        double entropy = 0;
        foreach (float a in alpha)
            if (a > 0) entropy -= a * Math.Log(a);
        return entropy / Math.Log(alpha.Length);
    }

    /// <summary>The largest weight as a multiple of the uniform weight 1/P (1 for a flat map, P for a map on one cell).</summary>
    public static double PeakTimesUniform(ReadOnlySpan<float> alpha)
    {
        if (alpha.IsEmpty) throw new ArgumentException("empty attention map", nameof(alpha));
        float peak = float.MinValue;
        foreach (float a in alpha) peak = Math.Max(peak, a);
        return (double)peak * alpha.Length;
    }

    /// <summary>The <paramref name="count"/> cells with the largest weights, largest first (ties: the lower index first).</summary>
    public static int[] TopCells(ReadOnlySpan<float> alpha, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, alpha.Length);
        var cells = new int[alpha.Length];
        for (int i = 0; i < cells.Length; i++) cells[i] = i;
        var weights = alpha.ToArray();
        Array.Sort(cells, (x, y) => weights[y] != weights[x] ? weights[y].CompareTo(weights[x]) : x.CompareTo(y));
        return cells[..count];
    }

    /// <summary>The median (mean of the two middle values for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("no values", nameof(values));
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
