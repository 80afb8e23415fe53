namespace ImageCaptioning.Metrics;

/// <summary>Reference captions PTB-tokenised once, for scoring many sets of hypotheses (e.g. dev BLEU-4 every epoch).</summary>
public sealed class TokenizedReferences
{
    private readonly Dictionary<string, IReadOnlyList<IReadOnlyList<string>>> _tokens;

    private TokenizedReferences(Dictionary<string, IReadOnlyList<IReadOnlyList<string>>> tokens) => _tokens = tokens;

    /// <summary>Number of images with references.</summary>
    public int Count => _tokens.Count;

    /// <summary>Tokenises every reference caption.</summary>
    /// <param name="references">Image id → its raw reference captions.</param>
    public static TokenizedReferences Create(IReadOnlyDictionary<string, IReadOnlyList<string>> references)
    {
        ArgumentNullException.ThrowIfNull(references);
        var tokens = new Dictionary<string, IReadOnlyList<IReadOnlyList<string>>>(references.Count, StringComparer.Ordinal);
        foreach (var (imageId, captions) in references)
        {
            if (captions is null || captions.Count == 0)
                throw new CaptionEvaluationException($"Image '{imageId}' has no reference captions to compare with.");
            var tokenised = new IReadOnlyList<string>[captions.Count];
            for (int r = 0; r < captions.Count; r++)
                tokenised[r] = PtbTokenizer.Tokenize(captions[r] ?? throw new CaptionEvaluationException($"Image '{imageId}' has a missing (null) reference caption."));
            tokens.Add(imageId, tokenised);
        }
        return new TokenizedReferences(tokens);
    }

    /// <summary>The tokenised references of <paramref name="imageId"/>, if it has any.</summary>
    public bool TryGet(string imageId, out IReadOnlyList<IReadOnlyList<string>> references)
    {
        bool found = _tokens.TryGetValue(imageId, out var value);
        references = value ?? [];
        return found;
    }
}
