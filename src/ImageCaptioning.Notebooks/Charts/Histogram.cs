namespace ImageCaptioning.Notebooks.Charts;

/// <summary>Histograms binned in C#: the notebook file stores bin counts, not every value.</summary>
public static class Histogram
{
    /// <summary>Counts of <paramref name="values"/> in <paramref name="bins"/> equal bins over [min, max]
    /// (default: the data's range), as bars; <paramref name="normalize"/> turns counts into fractions.</summary>
    public static BarTrace Of(IEnumerable<double> values, int bins, double? min = null, double? max = null, bool normalize = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var data = values.Where(double.IsFinite).ToArray();
        double lo = min ?? (data.Length > 0 ? data.Min() : 0), hi = max ?? (data.Length > 0 ? data.Max() : 1);
        if (!(hi > lo))
            hi = lo + 1;
        double width = (hi - lo) / bins;
        var counts = new double[bins];
        foreach (double v in data)
            if (v >= lo && v <= hi)
                counts[Math.Min(bins - 1, (int)((v - lo) / width))]++;
        if (normalize && data.Length > 0)
            for (int i = 0; i < bins; i++)
                counts[i] /= data.Length;
        return new BarTrace(counts) { X = Enumerable.Range(0, bins).Select(i => lo + (i + 0.5) * width).ToArray(), BarWidth = width };
    }

    /// <summary>Counts of whole numbers (lengths): one bar per value from min to max.</summary>
    public static BarTrace OfIntegers(IEnumerable<int> values, bool normalize = false)
    {
        var data = values.ToArray();
        int lo = data.Length > 0 ? data.Min() : 0, hi = data.Length > 0 ? data.Max() : 0;
        var counts = new double[hi - lo + 1];
        foreach (int v in data)
            counts[v - lo]++;
        if (normalize && data.Length > 0)
            for (int i = 0; i < counts.Length; i++)
                counts[i] /= data.Length;
        return new BarTrace(counts) { X = Enumerable.Range(lo, counts.Length).Select(i => (double)i).ToArray(), BarWidth = 0.9 };
    }
}
