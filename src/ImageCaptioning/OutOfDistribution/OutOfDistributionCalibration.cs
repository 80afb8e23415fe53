using System.Globalization;
using ImageCaptioning.ModelFolder;

namespace ImageCaptioning.OutOfDistribution;

/// <summary>
/// Builds a <see cref="FeatureNeighbourDetector"/>: a seeded random sample of training photos is the reference set, and
/// the threshold is the <c>quantile</c> of the dev photos' scores, computed on the float16 copy that is saved.
/// </summary>
public static class OutOfDistributionCalibration
{
    public const int DefaultReferences = 1000;
    public const int DefaultNeighbours = 5;
    /// <summary>
    /// Dev quantile used as threshold: about 3 % of Flickr-like photos flagged, leaving room under a 5 % limit for the
    /// sampling difference between dev and test.
    /// </summary>
    public const double DefaultQuantile = 0.97;

    /// <param name="train">Pooled features of training photos [n, C].</param>
    /// <param name="dev">Pooled features of dev photos [m, C], whose scores choose the threshold.</param>
    public static (FeatureNeighbourDetector Detector, double[] DevScores) Fit(float[] train, float[] dev, int channels,
        int references = DefaultReferences, int neighbours = DefaultNeighbours, double quantile = DefaultQuantile, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(dev);
        if (quantile is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(quantile), "must be in (0, 1)");
        int trainCount = train.Length / channels;
        references = Math.Min(references, trainCount);
        var chosen = Enumerable.Range(0, trainCount).ToArray();
        new Random(seed).Shuffle(chosen);
        var sample = new float[references * channels];
        for (int i = 0; i < references; i++)
            train.AsSpan(chosen[i] * channels, channels).CopyTo(sample.AsSpan(i * channels, channels));
        var detector = new FeatureNeighbourDetector(FeatureNeighbourDetector.Normalize(sample, channels), channels, neighbours, 0, "")
            .RoundedToHalf();
        var devScores = Scores(detector, dev);
        double threshold = Quantile(devScores, quantile);
        string note = string.Create(CultureInfo.InvariantCulture,
            $"{references} random training photos (seed {seed}), mean cosine distance to the {neighbours} nearest; threshold = the {quantile:P0} quantile of {devScores.Length} dev photos' scores");
        return (detector.WithThreshold(threshold, note), devScores);
    }

    /// <summary>The score of each row of <paramref name="pooled"/> [n, C].</summary>
    public static double[] Scores(FeatureNeighbourDetector detector, float[] pooled)
    {
        int n = pooled.Length / detector.Channels;
        var scores = new double[n];
        Parallel.For(0, n, i => scores[i] = detector.Score(pooled.AsSpan(i * detector.Channels, detector.Channels)));
        return scores;
    }

    /// <summary>The smallest score s with at least <paramref name="quantile"/> of the scores ≤ s.</summary>
    public static double Quantile(IReadOnlyList<double> scores, double quantile)
    {
        var sorted = scores.Order().ToArray();
        int index = Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1);
        return sorted[index];
    }

    /// <summary>
    /// Saves the detector into a model folder and records its SHA-256 in <c>checksums.sha256</c> (replacing an older
    /// line), so that <see cref="FeatureNeighbourDetector.Load"/> verifies it like the decoder's files.
    /// </summary>
    public static void SaveInto(FeatureNeighbourDetector detector, string modelFolder)
    {
        ArgumentNullException.ThrowIfNull(detector);
        detector.Save(Path.Combine(modelFolder, FeatureNeighbourDetector.FileName));
        ModelChecksums.AddOrReplace(modelFolder, FeatureNeighbourDetector.FileName);
    }
}
