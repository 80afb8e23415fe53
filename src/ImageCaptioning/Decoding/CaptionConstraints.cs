namespace ImageCaptioning.Decoding;

/// <summary>
/// Words a caption must or must not contain (guided decoding, <see cref="ConstrainedBeamSearch"/>).
/// Words outside the vocabulary are ignored; when none of <see cref="RequiredAnyOf"/> is in the vocabulary there is no
/// required word.
/// </summary>
/// <param name="RequiredAnyOf">A disjunctive constraint: the caption must contain at least one of these words (empty: none required).</param>
/// <param name="Forbidden">Words the caption may not contain (their log-probabilities are −∞ at every step).</param>
public sealed record CaptionConstraints(IReadOnlyList<string> RequiredAnyOf, IReadOnlyList<string> Forbidden)
{
    public static CaptionConstraints None { get; } = new([], []);

    /// <summary>
    /// Novel words: a required word (a proxy, e.g. "animal") → the word shown in its place where it satisfies the constraint
    /// (e.g. "pig"). The decoder reads and scores the proxy — the novel word shares its embedding and output rows — so the
    /// caption's log-probability and attention are the proxy's; only the word shown (and an "a"/"an" before it) changes.
    /// </summary>
    public IReadOnlyDictionary<string, string> ShownAs { get; init; } = new Dictionary<string, string>();

    public bool IsEmpty => RequiredAnyOf.Count == 0 && Forbidden.Count == 0;
}

/// <summary><see cref="CaptionConstraints"/> in token ids (sorted, in the vocabulary, never a special token).</summary>
internal sealed record TokenConstraints(int[] RequiredAnyOf, int[] Forbidden)
{
    /// <summary>Required token → the novel word shown where it satisfies the constraint.</summary>
    public IReadOnlyDictionary<int, string> ShownAs { get; init; } = new Dictionary<int, string>();

    public bool IsEmpty => RequiredAnyOf.Length == 0 && Forbidden.Length == 0;

    public static TokenConstraints From(CaptionConstraints constraints, Data.Vocabulary vocabulary)
    {
        int[] Ids(IEnumerable<string> words) =>
            [.. words.Where(vocabulary.Contains).Select(vocabulary.IdOf).Where(id => id >= Data.Vocabulary.SpecialTokens.Count).Distinct().Order()];
        var forbidden = Ids(constraints.Forbidden);
        // A required word that is also forbidden can never be written: drop it from the alternatives.
        int[] required = [.. Ids(constraints.RequiredAnyOf).Except(forbidden)];
        var shownAs = constraints.ShownAs.Where(p => vocabulary.Contains(p.Key) && Array.IndexOf(required, vocabulary.IdOf(p.Key)) >= 0)
            .ToDictionary(p => vocabulary.IdOf(p.Key), p => p.Value);
        return new TokenConstraints(required, forbidden) { ShownAs = shownAs };
    }
}
