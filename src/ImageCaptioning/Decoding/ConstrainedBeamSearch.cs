using System.Runtime.CompilerServices;
using ImageCaptioning.Model;

namespace ImageCaptioning.Decoding;

/// <summary>
/// Constrained beam search (Anderson et al. 2017, "Guided Open Vocabulary Image Captioning with Constrained Beam Search")
/// for one disjunctive constraint per image: a two-state acceptor, state 0 = no required word yet, state 1 = one written.
/// Each state keeps its own beam of K = <see cref="DecodingOptions.BeamWidth"/> rows, so an image has up to 2K rows:
/// <list type="bullet">
/// <item>state 0's candidates are state 0's rows followed by any word except the required ones — exactly
///   <see cref="BeamSearch"/> (same selection, ties, n-best list and stopping rule) when an image has no required word;</item>
/// <item>state 1's candidates are state 1's rows followed by any word, plus state 0's rows followed by a required word.</item>
/// </list>
/// Forbidden words are −∞ in every row (so they change which hypotheses survive, not just the output).
/// The result is state 1's n-best list; when no hypothesis in state 1 finished, the search falls back to state 0's
/// (the ordinary beam's) and reports the constraint as unmet.
/// </summary>
internal static class ConstrainedBeamSearch
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static TokenHypothesis[][] Run(in SearchInput input, IReadOnlyList<TokenConstraints> constraints, bool[] met)
    {
        var (s, options, tokens, images) = (input.Scratch, input.Options, input.Tokens, input.Images);
        int beam = options.BeamWidth, results = options.ResultsPerImage, maxLength = options.MaxLength;
        int vocabulary = input.Decoder.Config.VocabSize;
        int stride = s.RowsPerImage; // state st of image i: result slots [i·stride + st·beam, + results)
        if (stride < 2 * beam)
            throw new InvalidOperationException($"Constrained beam search needs {2 * beam} rows per image, the scratch has {stride}.");

        // Per (image, state) key = 2·image + state: its rows are contiguous, [start, start + count).
        var rowStart = new int[2 * images];
        var rowCount = new int[2 * images];
        var previousStart = new int[2 * images];
        var previousCount = new int[2 * images];
        var finalCount = new int[2 * images];

        var ws = input.Start(rowsPerImage: 1);
        for (int i = 0; i < images; i++)
        {
            rowStart[2 * i] = i;
            rowCount[2 * i] = 1;
            rowStart[2 * i + 1] = i + 1;
            s.Live.Clear(i);
        }

        double boundDivisor = options.LengthPenalty == 0f ? 1 : Math.Pow(maxLength, options.LengthPenalty);

        for (int t = 0; t < maxLength && ws.Rows > 0; t++)
        {
            input.StepAndMask();                                        // LogProbs [R, V], Alpha [R, P]
            rowStart.CopyTo(previousStart, 0);
            rowCount.CopyTo(previousCount, 0);
            for (int image = 0; image < images; image++)
            {
                int[] forbidden = constraints[image].Forbidden;
                int first = previousStart[2 * image], end = first + previousCount[2 * image] + previousCount[2 * image + 1];
                for (int row = first; row < end; row++)
                    foreach (int token in forbidden)
                        ws.LogProbs[row * vocabulary + token] = float.NegativeInfinity;
            }

            int nextRows = 0;
            for (int image = 0; image < images; image++)
            {
                int[] required = constraints[image].RequiredAnyOf;
                for (int state = 0; state < 2; state++)
                {
                    int key = 2 * image + state, first = nextRows;
                    int found = 0;
                    if (state == 0)
                        found = Select(s, ws.LogProbs, previousStart[key], previousCount[key], vocabulary, 2 * beam, found, required, Filter.Exclude);
                    else if (required.Length > 0)
                    {
                        found = Select(s, ws.LogProbs, previousStart[key - 1], previousCount[key - 1], vocabulary, 2 * beam, found, required, Filter.Only);
                        found = Select(s, ws.LogProbs, previousStart[key], previousCount[key], vocabulary, 2 * beam, found, required, Filter.None);
                    }
                    int slots = image * stride + state * beam;
                    int live = BeamSearch.Extend(s, options, tokens, found, slots, ref finalCount[key], ref nextRows);
                    if (live > 0)
                    {
                        double bound = s.Next.LogProbability[first] / boundDivisor; // the best live row's best possible final score
                        bool doneHere = finalCount[key] >= results && bound <= BeamSearch.WorstFinalScore(s, slots, results);
                        // State 0 also feeds state 1: it may stop only once it can no longer enter state 1's list either.
                        bool doneThere = state == 1 || required.Length == 0
                            || (finalCount[key + 1] >= results && bound <= BeamSearch.WorstFinalScore(s, slots + beam, results));
                        if (doneHere && doneThere)
                        {
                            nextRows = first;
                            live = 0;
                        }
                    }
                    rowStart[key] = first;
                    rowCount[key] = live;
                }
            }
            s.SwapLive();
            ws.ReorderRows(s.Parents.AsSpan(0, nextRows), s.NextTokens.AsSpan(0, nextRows));
        }

        var output = new TokenHypothesis[images][];
        for (int image = 0; image < images; image++)
        {
            bool constrained = constraints[image].RequiredAnyOf.Length > 0;
            int state = constrained && (finalCount[2 * image + 1] > 0 || (finalCount[2 * image] == 0 && rowCount[2 * image] == 0)) ? 1 : 0;
            met[image] = constrained && state == 1;
            int key = 2 * image + state;
            output[image] = BeamSearch.Hypotheses(s, options, image * stride + state * beam, finalCount[key], rowStart[key], rowCount[key], results);
        }
        return output;
    }

    private enum Filter { None, Exclude, Only }

    /// <summary>
    /// Merges the best (row, token) pairs of rows [start, start + rows) into the <paramref name="found"/> candidates already
    /// selected (best first, at most <paramref name="count"/>; ties keep what came first, then the lower row and token).
    /// <paramref name="filter"/>: every token, every token but <paramref name="required"/>, or only <paramref name="required"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Select(DecodingScratch s, float[] logProbs, int start, int rows, int vocabulary, int count, int found,
        int[] required, Filter filter)
    {
        var values = s.CandidateValue;
        for (int row = start; row < start + rows; row++)
        {
            double cumulative = s.Live.LogProbability[row];
            var rowLogProbs = logProbs.AsSpan(row * vocabulary, vocabulary);
            int tokenCount = filter == Filter.Only ? required.Length : vocabulary;
            for (int i = 0; i < tokenCount; i++)
            {
                int token = filter == Filter.Only ? required[i] : i;
                float logp = rowLogProbs[token];
                if (float.IsNegativeInfinity(logp)) continue;
                double value = cumulative + logp;
                if (found == count && value <= values[count - 1]) continue;
                if (filter == Filter.Exclude && Array.BinarySearch(required, token) >= 0) continue;
                BeamSearch.InsertCandidate(s, ref found, count, value, row, token);
            }
        }
        return found;
    }
}
