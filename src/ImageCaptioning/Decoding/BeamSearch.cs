using System.Runtime.CompilerServices;
using ImageCaptioning.Model;
namespace ImageCaptioning.Decoding;

/// <summary>
/// Batched beam search. Every image keeps up to K = <see cref="DecodingOptions.BeamWidth"/> live hypotheses; one
/// <see cref="AttentionDecoder.Step"/> advances the live rows of all images together. Per image and step:
/// <list type="number">
/// <item>take the 2K best (row, word) pairs by cumulative log-probability (banned tokens are −∞);</item>
/// <item>an <c>&lt;end&gt;</c> among the K best finishes that hypothesis: it enters the image's n-best list
///   (N = min(NBest, K) slots, ranked by the length-normalised score);</item>
/// <item>the best K that are not <c>&lt;end&gt;</c> stay live;</item>
/// <item>the image stops once its n-best list is full and no live hypothesis can still beat the worst entry:
///   log-probabilities only fall, so a live hypothesis can at best reach logp / MaxLengthᵅ (= logp when α = 0).</item>
/// </list>
/// At <see cref="DecodingOptions.MaxLength"/> an image with no finished hypothesis returns its live beams
/// with Finished = false, so the result is never empty. With K = 1 and α = 0 this is exactly greedy decoding.
/// </summary>
internal static class BeamSearch
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static TokenHypothesis[][] Run(in SearchInput input)
    {
        var (s, options, tokens, images) = (input.Scratch, input.Options, input.Tokens, input.Images);
        int beam = options.BeamWidth, results = options.ResultsPerImage, maxLength = options.MaxLength;
        int vocabulary = input.Decoder.Config.VocabSize;
        int stride = s.RowsPerImage; // result slots of image i: [i·stride, i·stride + results)
        var ws = input.Start(rowsPerImage: 1); // all beams of an image start identical: one row
        for (int i = 0; i < images; i++)
        {
            s.RowStart[i] = i;
            s.RowCount[i] = 1;
            s.FinalCount[i] = 0;
            s.Live.Clear(i);
        }

        // Upper bound factor on a live hypothesis's final score: its log-prob can only fall and its length is at most maxLength.
        double boundDivisor = options.LengthPenalty == 0f ? 1 : Math.Pow(maxLength, options.LengthPenalty);

        for (int t = 0; t < maxLength && ws.Rows > 0; t++)
        {
            input.StepAndMask();                                        // LogProbs [R, V], Alpha [R, P]
            int nextRows = 0;
            for (int image = 0; image < images; image++)
            {
                if (s.RowCount[image] == 0) continue;
                int candidates = SelectCandidates(s, ws.LogProbs, s.RowStart[image], s.RowCount[image], vocabulary, 2 * beam);
                int first = nextRows;
                int live = Extend(s, options, tokens, candidates, image * stride, ref s.FinalCount[image], ref nextRows);
                if (live > 0 && s.FinalCount[image] >= results
                    && s.Next.LogProbability[first] / boundDivisor <= WorstFinalScore(s, image * stride, results))
                {
                    nextRows = first; // nothing live can enter the n-best list any more
                    live = 0;
                }
                s.RowStart[image] = first;
                s.RowCount[image] = live;
            }
            s.SwapLive();
            ws.ReorderRows(s.Parents.AsSpan(0, nextRows), s.NextTokens.AsSpan(0, nextRows));
        }
        return Collect(s, options, images, stride, results);
    }

    /// <summary>
    /// Walks one beam's candidates best first: an <c>&lt;end&gt;</c> among the first K ranks enters the n-best slots
    /// [firstSlot, firstSlot + results) (<paramref name="finalCount"/> counts them); any other word makes a row of the
    /// next step at <paramref name="nextRows"/>, until K rows are live. Returns how many went live.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int Extend(DecodingScratch s, DecodingOptions options, DecodingTokens tokens, int candidates, int firstSlot,
        ref int finalCount, ref int nextRows)
    {
        var ws = s.Workspace;
        int beam = options.BeamWidth, results = options.ResultsPerImage, live = 0;
        int vocabulary = ws.Config.VocabSize, positions = ws.Config.Positions;
        for (int rank = 0; rank < candidates && live < beam; rank++)
        {
            int row = s.CandidateRow[rank], token = s.CandidateToken[rank];
            float logp = ws.LogProbs[row * vocabulary + token];
            if (token == tokens.End)
            {
                if (rank < beam) AddFinished(s, options, firstSlot, results, ref finalCount, row, logp);
                continue;
            }
            s.Parents[nextRows] = row;
            s.NextTokens[nextRows] = token;
            s.Next.CopyFrom(s.Live, row, nextRows);
            s.Next.Append(nextRows, token, ws.Alpha.AsSpan(row * positions, positions), logp);
            nextRows++;
            live++;
        }
        return live;
    }

    /// <summary>
    /// The <paramref name="count"/> best (row, token) pairs of rows [start, start + rows) by cumulative log-prob,
    /// best first; ties keep the lower row and token (the order greedy's arg-max uses). Returns how many were found.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int SelectCandidates(DecodingScratch s, float[] logProbs, int start, int rows, int vocabulary, int count)
    {
        var values = s.CandidateValue;
        int found = 0;
        for (int row = start; row < start + rows; row++)
        {
            double cumulative = s.Live.LogProbability[row];
            var rowLogProbs = logProbs.AsSpan(row * vocabulary, vocabulary);
            for (int token = 0; token < vocabulary; token++)
            {
                float logp = rowLogProbs[token];
                if (float.IsNegativeInfinity(logp)) continue;
                double value = cumulative + logp;
                if (found == count && value <= values[count - 1]) continue;
                InsertCandidate(s, ref found, count, value, row, token);
            }
        }
        return found;
    }

    /// <summary>Inserts (row, token) into the candidates kept best first (at most <paramref name="count"/>); an equal value stays behind those already there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void InsertCandidate(DecodingScratch s, ref int found, int count, double value, int row, int token)
    {
        var values = s.CandidateValue;
        int at = found < count ? found++ : count - 1;
        while (at > 0 && values[at - 1] < value)
        {
            values[at] = values[at - 1];
            s.CandidateRow[at] = s.CandidateRow[at - 1];
            s.CandidateToken[at] = s.CandidateToken[at - 1];
            at--;
        }
        values[at] = value;
        s.CandidateRow[at] = row;
        s.CandidateToken[at] = token;
    }

    /// <summary>Puts live row <paramref name="row"/> + <c>&lt;end&gt;</c> into the n-best slots [firstSlot, firstSlot + results) if it ranks there; <paramref name="filled"/> counts the used slots.</summary>
    internal static void AddFinished(DecodingScratch s, DecodingOptions options, int firstSlot, int results, ref int filled, int row, float endLogp)
    {
        var final = s.Final;
        double logProbability = s.Live.LogProbability[row] + endLogp;
        double score = options.Score(logProbability, s.Live.Length[row] + 1);
        int slot;
        if (filled < results)
            slot = firstSlot + filled++;
        else
        {
            slot = firstSlot;
            for (int k = firstSlot + 1; k < firstSlot + results; k++)
                if (final.Score[k] < final.Score[slot]) slot = k;
            if (score <= final.Score[slot]) return;
        }
        final.CopyFrom(s.Live, row, slot);
        final.Complete(slot, finished: true, endLogp, options);
    }

    internal static double WorstFinalScore(DecodingScratch s, int firstSlot, int results)
    {
        double worst = double.PositiveInfinity;
        for (int k = firstSlot; k < firstSlot + results; k++)
            worst = Math.Min(worst, s.Final.Score[k]);
        return worst;
    }

    /// <summary>Per image: its finished hypotheses, or if none finished its live beams (cut off), best score first.</summary>
    private static TokenHypothesis[][] Collect(DecodingScratch s, DecodingOptions options, int images, int stride, int results)
    {
        var output = new TokenHypothesis[images][];
        for (int image = 0; image < images; image++)
            output[image] = Hypotheses(s, options, image * stride, s.FinalCount[image], s.RowStart[image], s.RowCount[image], results);
        return output;
    }

    /// <summary>
    /// One beam's result: the <paramref name="finished"/> hypotheses in slots [firstSlot, …), or if none finished its
    /// live rows [rowStart, rowStart + min(rowCount, results)) marked unfinished; best score first.
    /// </summary>
    internal static TokenHypothesis[] Hypotheses(DecodingScratch s, DecodingOptions options, int firstSlot, int finished,
        int rowStart, int rowCount, int results)
    {
        List<TokenHypothesis> list = new(results);
        if (finished > 0)
        {
            for (int k = 0; k < finished; k++)
                list.Add(s.Final.ToHypothesis(firstSlot + k));
        }
        else
        {
            for (int row = rowStart; row < rowStart + Math.Min(rowCount, results); row++)
            {
                s.Live.Complete(row, finished: false, 0f, options);
                list.Add(s.Live.ToHypothesis(row));
            }
        }
        return [.. list.OrderByDescending(h => h.Score)];
    }
}
