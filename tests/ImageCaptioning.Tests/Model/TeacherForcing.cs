using ImageCaptioning.Data;
using ImageCaptioning.Model;

namespace ImageCaptioning.Tests.Model;

/// <summary>Re-scores a caption independently of the search code: feeds its words one by one through <see cref="AttentionDecoder.Step"/>.</summary>
internal static class TeacherForcing
{
    /// <returns>Σ log p of the words (and of &lt;end&gt; when <paramref name="finished"/>), and the attention map of each word.</returns>
    public static (double LogProbability, float[][] Attention) Score(AttentionDecoder decoder, ReadOnlySpan<float> grid,
        IReadOnlyList<int> words, bool finished)
    {
        var config = decoder.Config;
        var ws = decoder.CreateWorkspace(maxRows: 1, maxImages: 1);
        decoder.PrepareImages(grid, 1, ws);
        decoder.StartRows(ws, 1, 1, Vocabulary.StartId);
        double total = 0;
        var attention = new float[words.Count][];
        int steps = words.Count + (finished ? 1 : 0);
        for (int t = 0; t < steps; t++)
        {
            decoder.Step(ws);
            int token = t < words.Count ? words[t] : Vocabulary.EndId;
            total += ws.LogProbs[token];
            if (t < words.Count) attention[t] = ws.Alpha.AsSpan(0, config.Positions).ToArray();
            ws.Tokens[0] = token;
        }
        return (total, attention);
    }
}
