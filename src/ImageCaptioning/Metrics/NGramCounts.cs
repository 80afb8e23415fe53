namespace ImageCaptioning.Metrics;

/// <summary>
/// One caption's 1..4-gram counts as coco-caption's <c>precook</c> builds them: dense ids from the corpus'
/// <see cref="NGramInterner"/> in first-occurrence order (the Python dict's), so sums add in the reference's order.
/// </summary>
internal sealed class NGramCounts(int length, int[] grams, int[] counts, int[] orderStart)
{
    public const int MaxOrder = 4;

    /// <summary>Number of tokens in the caption.</summary>
    public int Length { get; } = length;

    /// <summary>Distinct n-gram ids, orders 1..4 one after another, each in first-occurrence order.</summary>
    public int[] Grams { get; } = grams;

    /// <summary>How often <c>Grams[i]</c> occurs in the caption.</summary>
    public int[] Counts { get; } = counts;

    /// <summary>Grams of order n (1-based) are <c>Grams[OrderStart[n-1] .. OrderStart[n])</c>; length MaxOrder + 1.</summary>
    public int[] OrderStart { get; } = orderStart;
}
