using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using ImageCaptioning.Model;

namespace ImageCaptioning.Decoding;

/// <summary>
/// Greedy decoding and sampling: every row chooses its next word on its own (arg-max, or a draw from the
/// tempered top-k distribution), so rows never exchange histories. A row that emits <c>&lt;end&gt;</c> leaves the
/// batch (the remaining rows are compacted, so later steps only compute live rows); rows still going at
/// <see cref="DecodingOptions.MaxLength"/> are returned with Finished = false.
/// Rows per image: 1 for greedy, <see cref="DecodingOptions.NBest"/> independent samples for sampling.
/// </summary>
internal static class SequentialSearch
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static TokenHypothesis[][] Run(in SearchInput input)
    {
        var (s, options, tokens, images) = (input.Scratch, input.Options, input.Tokens, input.Images);
        bool sample = options.Method == DecodingMethod.Sample;
        int rowsPerImage = options.RowsPerImage, maxLength = options.MaxLength;
        int vocabulary = input.Decoder.Config.VocabSize, positions = input.Decoder.Config.Positions;
        int stride = s.RowsPerImage;
        Random? rng = sample ? new Random(options.Seed ?? Random.Shared.Next()) : null;
        if (sample && options.TopK > 0) s.EnsureTopK(options.TopK);

        var ws = input.Start(rowsPerImage);
        for (int row = 0; row < ws.Rows; row++)
        {
            s.Live.Clear(row);
            s.SlotOfRow[row] = row / rowsPerImage * stride + row % rowsPerImage;
        }

        for (int t = 0; t < maxLength && ws.Rows > 0; t++)
        {
            input.StepAndMask();                                        // LogProbs [R, V], Alpha [R, P]
            int nextRows = 0;
            for (int row = 0; row < ws.Rows; row++)
            {
                var logProbs = ws.LogProbs.AsSpan(row * vocabulary, vocabulary);
                int token = rng is null ? TensorPrimitives.IndexOfMax(logProbs) : Sample(logProbs, options, rng, s);
                if (token == tokens.End)
                {
                    int slot = s.SlotOfRow[row];
                    s.Final.CopyFrom(s.Live, row, slot);
                    s.Final.Complete(slot, finished: true, logProbs[token], options);
                    continue;
                }
                s.Parents[nextRows] = row;
                s.NextTokens[nextRows] = token;
                s.NextSlotOfRow[nextRows] = s.SlotOfRow[row];
                s.Next.CopyFrom(s.Live, row, nextRows);
                s.Next.Append(nextRows, token, ws.Alpha.AsSpan(row * positions, positions), logProbs[token]);
                nextRows++;
            }
            s.SwapLive();
            ws.ReorderRows(s.Parents.AsSpan(0, nextRows), s.NextTokens.AsSpan(0, nextRows));
        }
        for (int row = 0; row < ws.Rows; row++) // cut off at the maximum length
        {
            int slot = s.SlotOfRow[row];
            s.Final.CopyFrom(s.Live, row, slot);
            s.Final.Complete(slot, finished: false, 0f, options);
        }

        var output = new TokenHypothesis[images][];
        for (int image = 0; image < images; image++)
        {
            var list = new TokenHypothesis[rowsPerImage];
            for (int k = 0; k < rowsPerImage; k++)
                list[k] = s.Final.ToHypothesis(image * stride + k);
            output[image] = [.. list.OrderByDescending(h => h.Score)];
        }
        return output;
    }

    /// <summary>
    /// Draws a token with probability ∝ exp(logp / T) among the top-k tokens (all when TopK = 0).
    /// Banned tokens are −∞ and get weight 0.
    /// </summary>
    private static int Sample(ReadOnlySpan<float> logProbs, DecodingOptions options, Random rng, DecodingScratch s)
    {
        float inverseTemperature = 1f / options.Temperature;
        if (options.TopK > 0 && options.TopK < logProbs.Length)
        {
            int k = TopK(logProbs, options.TopK, s.TopIds, s.TopValues);
            var weights = s.Weights.AsSpan(0, k);
            TensorPrimitives.Subtract(s.TopValues.AsSpan(0, k), s.TopValues[0], weights);   // best first: max = [0]
            TensorPrimitives.Multiply(weights, inverseTemperature, weights);
            TensorPrimitives.Exp(weights, weights);
            return s.TopIds[Draw(weights, rng)];
        }
        var all = s.Weights.AsSpan(0, logProbs.Length);
        TensorPrimitives.Subtract(logProbs, TensorPrimitives.Max(logProbs), all);
        TensorPrimitives.Multiply(all, inverseTemperature, all);
        TensorPrimitives.Exp(all, all);
        return Draw(all, rng);
    }

    /// <summary>An index drawn with probability weights[i] / Σ weights.</summary>
    private static int Draw(ReadOnlySpan<float> weights, Random rng)
    {
        double target = rng.NextDouble() * TensorPrimitives.Sum(weights);
        double running = 0;
        int last = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            if (weights[i] <= 0f) continue;
            running += weights[i];
            last = i;
            if (running > target) return i;
        }
        return last; // rounding left the target just above the total
    }

    /// <summary>The k largest finite values and their indices, best first. Returns how many were found (≤ k).</summary>
    private static int TopK(ReadOnlySpan<float> values, int k, int[] ids, float[] best)
    {
        int found = 0;
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (float.IsNegativeInfinity(v) || (found == k && v <= best[k - 1])) continue;
            int at = found < k ? found++ : k - 1;
            while (at > 0 && best[at - 1] < v)
            {
                best[at] = best[at - 1];
                ids[at] = ids[at - 1];
                at--;
            }
            best[at] = v;
            ids[at] = i;
        }
        return found;
    }
}
