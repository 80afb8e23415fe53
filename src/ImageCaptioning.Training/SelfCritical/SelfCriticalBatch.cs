using ImageCaptioning.Data;
using ImageCaptioning.Decoding;

namespace ImageCaptioning.Training.SelfCritical;

/// <summary>
/// Sampled captions as a teacher-forcing batch, each row weighted by its advantage r − b, b = the mean reward of the image's
/// other samples (leave-one-out: unbiased, no extra decode) or a given per-image baseline (the greedy caption's reward):
/// Σ A·CE is then the REINFORCE loss −Σ A·log p.
/// </summary>
public static class SelfCriticalBatch
{
    public sealed record Statistics(double MeanReward, double BestReward, double MeanAbsAdvantage, double MeanWords);

    /// <param name="grids">[images, P, E] grids of the sampled images.</param>
    /// <param name="samples">Per image its K samples.</param>
    /// <param name="rewards">Per image the K samples' rewards.</param>
    /// <param name="baselines">Per image the reward to compare its samples with; null = the mean of the other samples.</param>
    public static (CaptionBatch Batch, Statistics Stats) Build(ReadOnlySpan<float> grids, int gridFloats, IReadOnlyList<string> images,
        IReadOnlyList<IReadOnlyList<GeneratedCaption>> samples, double[][] rewards, double[]? baselines = null)
    {
        var rows = new List<(int Image, GeneratedCaption Caption, float Advantage)>();
        double rewardSum = 0, best = 0, absAdvantage = 0, words = 0;
        for (int i = 0; i < images.Count; i++)
        {
            int k = samples[i].Count;
            double total = rewards[i].Sum();
            for (int s = 0; s < k; s++)
            {
                double baseline = baselines?[i] ?? (total - rewards[i][s]) / (k - 1);   // given, or the mean of the other samples
                float advantage = (float)(rewards[i][s] - baseline);
                rows.Add((i, samples[i][s], advantage));
                rewardSum += rewards[i][s];
                absAdvantage += Math.Abs(advantage);
                words += samples[i][s].TokenIds.Count;
            }
            best += rewards[i].Max();
        }
        int Predictions((int Image, GeneratedCaption Caption, float Advantage) row) => row.Caption.TokenIds.Count + (row.Caption.Finished ? 1 : 0);
        var sorted = rows.OrderByDescending(Predictions).ToArray();   // longest first, as CaptionBatch requires

        int n = sorted.Length, maxSteps = Predictions(sorted[0]);
        var tokens = new int[n * (maxSteps + 1)];                      // padded with <pad> = 0
        var lengths = new int[n];
        var weights = new float[n];
        var batchGrids = new float[n * gridFloats];
        var names = new string[n];
        for (int b = 0; b < n; b++)
        {
            var (image, caption, advantage) = sorted[b];
            int at = b * (maxSteps + 1);
            tokens[at] = Vocabulary.StartId;
            for (int t = 0; t < caption.TokenIds.Count; t++) tokens[at + 1 + t] = caption.TokenIds[t];
            if (caption.Finished) tokens[at + 1 + caption.TokenIds.Count] = Vocabulary.EndId;
            lengths[b] = Predictions(sorted[b]);
            weights[b] = advantage;
            grids.Slice(image * gridFloats, gridFloats).CopyTo(batchGrids.AsSpan(b * gridFloats, gridFloats));
            names[b] = images[image];
        }
        var stats = new Statistics(rewardSum / n, best / images.Count, absAdvantage / n, words / n);
        return (new CaptionBatch(batchGrids, tokens, lengths, names, weights), stats);
    }
}
