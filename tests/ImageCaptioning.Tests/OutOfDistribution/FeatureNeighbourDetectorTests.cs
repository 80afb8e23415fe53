using System.Numerics.Tensors;
using ImageCaptioning.Model;
using ImageCaptioning.ModelFolder;
using ImageCaptioning.OutOfDistribution;
using ImageCaptioning.Tests.Data;

namespace ImageCaptioning.Tests.OutOfDistribution;

/// <summary>The out-of-distribution score's arithmetic on hand-made vectors, its calibration, and its file in a model folder.</summary>
public class FeatureNeighbourDetectorTests
{
    // Three unit references in 3-d: x, y and (x + y)/√2.
    private static readonly float[] References = [1, 0, 0, 0, 1, 0, 0.70710678f, 0.70710678f, 0];

    [Fact]
    public void TheScoreIsTheMeanCosineDistanceToTheNearestReferences()
    {
        var one = new FeatureNeighbourDetector(References, channels: 3, neighbours: 1, threshold: 0.5, "test");
        Assert.Equal(0, one.Score([2, 0, 0]), 6);                       // on x (length does not matter)
        Assert.Equal(1, one.Score([0, 0, 5]), 6);                       // z is orthogonal to all three
        // [1, 1, 0] lies on the third reference: distance 0; k = 2 adds x (or y) at 1 − 1/√2.
        Assert.Equal(0, one.Score([1, 1, 0]), 6);
        var two = new FeatureNeighbourDetector(References, 3, neighbours: 2, threshold: 0.5, "test");
        Assert.Equal((1 - 1 / Math.Sqrt(2)) / 2, two.Score([1, 1, 0]), 6);

        Assert.False(one.Check([1, 0, 0]).Flagged);
        var far = one.Check([0, 0, 1]);
        Assert.True(far.Flagged);
        Assert.Equal(1, far.Score, 4);
        Assert.Equal(0.5, far.Threshold);
        Assert.Contains("far from", far.Reason);
    }

    [Fact]
    public void BatchedScoresEqualAFullScanOfEveryReferenceBitForBit()
    {
        // 1280-d references in clusters of near-copies: their dot products with a query lie a few float roundings apart, so
        // the matrix product's ranking can order them differently from the dot products the score is made of.
        const int channels = 1280, clusters = 40, copies = 6;
        var rng = new Random(11);
        var raw = new float[clusters * copies * channels];
        for (int c = 0; c < clusters; c++)
        {
            var centre = Enumerable.Range(0, channels).Select(_ => rng.NextSingle() < 0.5f ? 0f : rng.NextSingle() * 6).ToArray();
            for (int k = 0; k < copies; k++)
                for (int j = 0; j < channels; j++)
                    raw[(c * copies + k) * channels + j] = centre[j] * (1 + (k == 0 ? 0 : 1e-6f * (rng.NextSingle() - 0.5f)));
        }
        var detector = new FeatureNeighbourDetector(FeatureNeighbourDetector.Normalize(raw, channels), channels, neighbours: 5, 0.3, "test");
        const int queries = 40;
        var pooled = new float[queries * channels];
        for (int q = 0; q < queries; q++)
            for (int j = 0; j < channels; j++)                 // half are near a reference, half anywhere
                pooled[q * channels + j] = q % 2 == 0 ? raw[(q * 7 % (clusters * copies)) * channels + j] + 0.01f * rng.NextSingle() : rng.NextSingle() * 6;

        var batched = detector.Score(pooled, queries);
        for (int q = 0; q < queries; q++)
        {
            var query = pooled.AsSpan(q * channels, channels);
            double expected = FullScan(detector, query);
            Assert.Equal(expected, batched[q]);                 // exact: the same doubles, not merely close
            Assert.Equal(expected, detector.Score(query));
        }
        Assert.Equal(batched.Select(s => Math.Round(s, 4)), detector.Check(pooled, queries).Select(c => c.Score));
    }

    /// <summary>The score as first written: the distance to every reference with <see cref="TensorPrimitives.Dot{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>, a max-heap of the k smallest.</summary>
    private static double FullScan(FeatureNeighbourDetector detector, ReadOnlySpan<float> pooled)
    {
        var unit = FeatureNeighbourDetector.Normalize(pooled, detector.Channels);
        var reference = detector.ReferenceRows.Span;
        var nearest = new PriorityQueue<double, double>();
        for (int i = 0; i < detector.Count; i++)
        {
            double distance = 1 - TensorPrimitives.Dot(unit, reference.Slice(i * detector.Channels, detector.Channels));
            if (nearest.Count < detector.Neighbours) nearest.Enqueue(distance, -distance);
            else if (distance < nearest.Peek()) nearest.EnqueueDequeue(distance, -distance);
        }
        return nearest.UnorderedItems.Sum(item => item.Element) / detector.Neighbours;
    }

    [Fact]
    public void TheThresholdIsTheDevQuantileOfTheScores()
    {
        Assert.Equal(3, OutOfDistributionCalibration.Quantile([5, 1, 4, 2, 3], 0.6));  // 3 of 5 scores ≤ 3
        Assert.Equal(5, OutOfDistributionCalibration.Quantile([5, 1, 4, 2, 3], 0.97));
        // Train = the three references; dev = x, z: scores 0 and 1, so the 50 % quantile is 0 and z is flagged.
        var (detector, devScores) = OutOfDistributionCalibration.Fit(References, [1, 0, 0, 0, 0, 1], 3, references: 3, neighbours: 1, quantile: 0.5);
        Assert.Equal([0, 1], devScores.Select(s => Math.Round(s, 3)));
        Assert.Equal(0, detector.Threshold, 3);
        Assert.True(detector.Check([0, 0, 1]).Flagged);
    }

    [Fact]
    public void TheModelFolderFileRoundTripsAndIsCheckedAgainstChecksums()
    {
        using var folder = new TemporaryFolder();
        Assert.Null(FeatureNeighbourDetector.Load(folder.Path));                // no file: no check
        File.WriteAllText(Path.Combine(folder.Path, DecoderModel.ChecksumsFileName), "");
        var detector = new FeatureNeighbourDetector(References, 3, 2, 0.25, "note");
        OutOfDistributionCalibration.SaveInto(detector, folder.Path);
        OutOfDistributionCalibration.SaveInto(detector, folder.Path);          // again: the checksum line is replaced, not doubled
        Assert.Single(File.ReadAllLines(Path.Combine(folder.Path, DecoderModel.ChecksumsFileName)));

        var loaded = FeatureNeighbourDetector.Load(folder.Path)!;
        Assert.Equal((3, 3, 2, 0.25, "note"), (loaded.Count, loaded.Channels, loaded.Neighbours, loaded.Threshold, loaded.Calibration));
        Assert.Equal(detector.Score([1, 1, 0.5f]), loaded.Score([1, 1, 0.5f]), 3); // float16 storage

        string file = Path.Combine(folder.Path, FeatureNeighbourDetector.FileName);
        var bytes = File.ReadAllBytes(file);
        bytes[^1] ^= 0x40;
        File.WriteAllBytes(file, bytes);
        var error = Assert.Throws<ModelFormatException>(() => FeatureNeighbourDetector.Load(folder.Path));
        Assert.Contains("corrupt or was modified", error.Message);
    }
}
