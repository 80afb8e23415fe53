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
        int n = rows.Count;
        var stats = new Statistics(rewardSum / n, best / images.Count, absAdvantage / n, words / n);
        var batch = CaptionBatch.Pack(grids, gridFloats, images,
            rows.Select(r => (r.Image, r.Caption.TokenIds, r.Caption.Finished, r.Advantage)), weighted: true);   // the advantage travels with its row
        return (batch, stats);
    }
}
