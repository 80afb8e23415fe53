using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using ImageCaptioning.Model;
using ImageCaptioning.ModelFolder;
using ImageCaptioning.Numerics;

namespace ImageCaptioning.OutOfDistribution;

/// <summary>
/// Out-of-distribution signal: the mean cosine distance of a photo's pooled encoder feature [1280] (L2-normalised) to its
/// <see cref="Neighbours"/> nearest in a fixed random sample of Flickr8k training photos; flagged above a threshold
/// calibrated on the dev split. Stored as <see cref="FileName"/> in the model folder (written by <c>ood-calibrate</c>,
/// covered by <c>checksums.sha256</c>). Immutable, so thread-safe.
/// </summary>
public sealed class FeatureNeighbourDetector
{
    public const string FileName = "ood-reference.safetensors";
    private const string ReferenceTensor = "reference";

    private readonly float[] _reference; // [N, C] unit rows
    private readonly float _candidateMargin; // per unit of the query's norm: twice the rounding bound of a C-term dot product with the longest row

    public FeatureNeighbourDetector(float[] reference, int channels, int neighbours, double threshold, string calibration)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        if (reference.Length == 0 || reference.Length % channels != 0)
            throw new ArgumentException($"the reference set must hold whole {channels}-float rows", nameof(reference));
        Channels = channels;
        Count = reference.Length / channels;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(neighbours);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(neighbours, Count);
        _reference = reference;
        float longestRow = 0;
        for (int row = 0; row < Count; row++)
            longestRow = Math.Max(longestRow, TensorPrimitives.Norm(reference.AsSpan(row * channels, channels)));
        _candidateMargin = 2.5f * channels * MathF.Pow(2, -24) * longestRow; // float rounding of a C-term sum: ≤ C·2⁻²⁴·|x|·|y| each
        Neighbours = neighbours;
        Threshold = threshold;
        Calibration = calibration;
    }

    /// <summary>C: size of a pooled feature (1280).</summary>
    public int Channels { get; }

    /// <summary>N: training photos in the reference set.</summary>
    public int Count { get; }

    /// <summary>The reference set [N, C], unit rows.</summary>
    public ReadOnlyMemory<float> ReferenceRows => _reference;

    /// <summary>k: nearest references averaged into the score.</summary>
    public int Neighbours { get; }

    /// <summary>Scores above it are flagged.</summary>
    public double Threshold { get; }

    /// <summary>How the threshold was chosen (split, quantile, rates measured), for the model card and the CLI.</summary>
    public string Calibration { get; }

    /// <summary>Unit-length copies of <paramref name="features"/> rows [n, C] (a zero row stays zero).</summary>
    public static float[] Normalize(ReadOnlySpan<float> features, int channels)
    {
        var result = features.ToArray();
        for (int row = 0; row < result.Length / channels; row++)
        {
            var span = result.AsSpan(row * channels, channels);
            float norm = TensorPrimitives.Norm(span);
            if (norm > 0) TensorPrimitives.Divide(span, norm, span);
        }
        return result;
    }

    /// <summary>Mean cosine distance of <paramref name="pooled"/> [C] to its k nearest references (0 = on top of them, up to 2).</summary>
    public double Score(ReadOnlySpan<float> pooled)
    {
        if (pooled.Length != Channels) throw new ArgumentException($"expected a {Channels}-float pooled feature, got {pooled.Length}", nameof(pooled));
        return Score(pooled, 1)[0];
    }

    /// <summary>
    /// <see cref="Score(ReadOnlySpan{float})"/> of each of <paramref name="count"/> pooled features [count, C], with the
    /// same values: one matrix product ranks every reference, then only the few that can be among the k nearest are
    /// scored as <see cref="Score(ReadOnlySpan{float})"/> always did.
    /// </summary>
    public double[] Score(ReadOnlySpan<float> pooled, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (pooled.Length != count * Channels)
            throw new ArgumentException($"expected {count} pooled features of {Channels} floats, got {pooled.Length} floats", nameof(pooled));
        var units = Normalize(pooled, Channels);                                                 // [n, C]
        var dots = new float[count * Count];                                                     // [n, N]
        if (count > 0) Gemm.Multiply(false, true, count, Count, Channels, units, Channels, _reference, Channels, dots, Count);
        var scores = new double[count];
        for (int i = 0; i < count; i++)
            scores[i] = NearestMean(units.AsSpan(i * Channels, Channels), dots.AsSpan(i * Count, Count));
        return scores;
    }

    /// <summary>
    /// The mean distance to the k nearest references, the k found among the references whose ranking dot product
    /// <paramref name="dots"/> [N] is within <see cref="_candidateMargin"/> of the k-th largest (two float dot products of the
    /// same vectors differ by less than it, whatever their summation order), each re-scored with
    /// <see cref="TensorPrimitives.Dot{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>: the values the full scan gave.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double NearestMean(ReadOnlySpan<float> unit, ReadOnlySpan<float> dots)
    {
        Span<float> top = stackalloc float[Neighbours];                                          // k largest dots, descending
        int filled = 0;
        foreach (float dot in dots)
        {
            if (filled == Neighbours && dot <= top[^1]) continue;
            int at = filled < Neighbours ? filled++ : Neighbours - 1;
            while (at > 0 && top[at - 1] < dot) { top[at] = top[at - 1]; at--; }
            top[at] = dot;
        }
        float floor = top[Neighbours - 1] - _candidateMargin * TensorPrimitives.Norm(unit);
        var nearest = new PriorityQueue<double, double>(Neighbours + 1);   // max-heap of the k smallest distances
        for (int i = 0; i < Count; i++)
        {
            if (dots[i] < floor) continue;
            double distance = 1 - TensorPrimitives.Dot(unit, _reference.AsSpan(i * Channels, Channels));
            if (nearest.Count < Neighbours) nearest.Enqueue(distance, -distance);
            else if (distance < nearest.Peek()) nearest.EnqueueDequeue(distance, -distance);
        }
        double sum = 0;
        foreach (var (distance, _) in nearest.UnorderedItems) sum += distance;
        return sum / Neighbours;
    }

    /// <summary>Scores <paramref name="pooled"/> and says whether it is flagged, and why.</summary>
    public OutOfDistributionCheck Check(ReadOnlySpan<float> pooled) => ToCheck(Score(pooled));

    /// <summary><see cref="Check(ReadOnlySpan{float})"/> of each of <paramref name="count"/> pooled features [count, C].</summary>
    public OutOfDistributionCheck[] Check(ReadOnlySpan<float> pooled, int count) => Array.ConvertAll(Score(pooled, count), ToCheck);

    private OutOfDistributionCheck ToCheck(double score)
    {
        bool flagged = score > Threshold;
        // A clause, not a sentence: the page quotes it inside its own note ("… unlike the training data (<reason>; score …)").
        string reason = flagged
            ? "its encoder features are far from those of the Flickr8k training photos of people, animals and outdoor scenes"
            : "its encoder features are close to those of the Flickr8k training photos";
        return new OutOfDistributionCheck(flagged, Math.Round(score, 4), Math.Round(Threshold, 4), reason);
    }

    /// <summary>Writes the reference set, k, the threshold and the calibration note to <paramref name="path"/>.</summary>
    public void Save(string path) =>
        SafeTensorsFile.Write(path, [(ReferenceTensor, _reference, [Count, Channels])], SafeTensorsFile.StorageType.F16,
            new Dictionary<string, string>
            {
                ["format"] = "imagecaptioning-ood/1",
                ["neighbours"] = Neighbours.ToString(CultureInfo.InvariantCulture),
                ["threshold"] = Threshold.ToString("R", CultureInfo.InvariantCulture),
                ["calibration"] = Calibration,
            });

    /// <summary>The same detector read back from F16 storage (what <see cref="Load"/> will see), for calibrating on exactly those values.</summary>
    public FeatureNeighbourDetector RoundedToHalf() =>
        new(Array.ConvertAll(_reference, x => (float)(Half)x), Channels, Neighbours, Threshold, Calibration);

    /// <summary>The same reference set with another threshold and note.</summary>
    public FeatureNeighbourDetector WithThreshold(double threshold, string calibration) =>
        new(_reference, Channels, Neighbours, threshold, calibration);

    /// <summary>
    /// The detector of a model folder, or null when the folder has no <see cref="FileName"/>. The file must be listed in
    /// <c>checksums.sha256</c> and match it, like the decoder's files.
    /// </summary>
    /// <exception cref="ModelFormatException">The file is damaged, unlisted, or malformed.</exception>
    public static FeatureNeighbourDetector? Load(string modelFolder)
    {
        string path = Path.Combine(modelFolder, FileName);
        if (!File.Exists(path)) return null;
        ModelChecksums.Verify(modelFolder, [FileName]);
        var tensors = SafeTensorsFile.Read(path);
        var meta = SafeTensorsFile.ReadMetadata(path);
        if (!tensors.TryGetValue(ReferenceTensor, out var reference) || reference.Shape.Length != 2
            || !meta.TryGetValue("neighbours", out string? k) || !int.TryParse(k, CultureInfo.InvariantCulture, out int neighbours)
            || !meta.TryGetValue("threshold", out string? t) || !double.TryParse(t, CultureInfo.InvariantCulture, out double threshold))
            throw new ModelFormatException($"'{path}' is not an out-of-distribution reference file (tensor 'reference' [N, C], metadata 'neighbours' and 'threshold').");
        try
        {
            return new FeatureNeighbourDetector(reference.Data, reference.Shape[1], neighbours, threshold, meta.GetValueOrDefault("calibration", ""));
        }
        catch (ArgumentException ex)
        {
            throw new ModelFormatException($"'{path}': {ex.Message}");
        }
    }
}
