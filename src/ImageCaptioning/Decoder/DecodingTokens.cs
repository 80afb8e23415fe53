namespace ImageCaptioning.Decoder;

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
}
