namespace ImageCaptioning.Encoder;

/// <summary>One ImageNet class and its softmax probability (a record rather than a tuple so it serialises to JSON by name).</summary>
public sealed record ClassProbability(string Label, float Probability)
{
    /// <summary>The <paramref name="k"/> most probable classes of <paramref name="probabilities"/> [1000], best first (ties by class index).</summary>
    public static ClassProbability[] Top(float[] probabilities, IReadOnlyList<string> classNames, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        return [.. Enumerable.Range(0, probabilities.Length)
            .OrderByDescending(i => probabilities[i])
            .ThenBy(i => i)
            .Take(k)
            .Select(i => new ClassProbability(classNames[i], probabilities[i]))];
    }
}
