namespace ImageCaptioning.Decoding;

/// <summary>
/// The special tokens decoding needs: the token fed first, the token that ends a caption, and the tokens that
/// must never be generated (<c>&lt;pad&gt;</c>, <c>&lt;start&gt;</c>, <c>&lt;unk&gt;</c>): their log-probabilities are set
/// to −∞ before choosing, so no caption contains them. Log-probabilities are not renormalised over the remaining
/// words, so a caption's score is exactly what the model assigns to it (what teacher forcing computes).
/// </summary>
internal sealed class DecodingTokens
{
    public DecodingTokens(int vocabularySize, int start, int end, IEnumerable<int> banned)
    {
        if (start < 0 || start >= vocabularySize || end < 0 || end >= vocabularySize)
            throw new ArgumentOutOfRangeException(nameof(vocabularySize), "special tokens must be inside the vocabulary");
        Start = start;
        End = end;
        Banned = banned.Where(id => id >= 0 && id < vocabularySize && id != end).Distinct().Order().ToArray();
    }

    public int Start { get; }
    public int End { get; }
    public int[] Banned { get; }

    /// <summary>Sets the banned tokens of each row of logProbs [rows, V] to −∞.</summary>
    public void Mask(Span<float> logProbs, int rows, int vocabularySize)
    {
        for (int r = 0; r < rows; r++)
            foreach (int id in Banned)
                logProbs[r * vocabularySize + id] = float.NegativeInfinity;
    }

    /// <summary>
    /// n-gram blocking: for each row, if the last n − 1 words of its history already occurred followed by word w,
    /// sets w's log-probability to −∞ (so no n-gram appears twice). Row r's history is slot r of <paramref name="live"/>.
    /// </summary>
    public static void BlockRepeatedNGrams(Span<float> logProbs, int rows, int vocabularySize, HypothesisBuffer live, int n)
    {
        if (n < 2) return;
        for (int r = 0; r < rows; r++)
        {
            int length = live.Length[r];
            if (length < n - 1) continue;
            var history = live.Tokens.AsSpan(r * live.MaxLength, length);
            var prefix = history[(length - n + 1)..];                      // the last n − 1 words
            for (int i = 0; i + n - 1 < length; i++)
                if (history.Slice(i, n - 1).SequenceEqual(prefix))
                    logProbs[r * vocabularySize + history[i + n - 1]] = float.NegativeInfinity;
        }
    }
}
