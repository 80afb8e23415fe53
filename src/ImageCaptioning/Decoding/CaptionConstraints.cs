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

    public bool IsEmpty => RequiredAnyOf.Count == 0 && Forbidden.Count == 0;
}

/// <summary><see cref="CaptionConstraints"/> in token ids (sorted, in the vocabulary, never a special token).</summary>
internal sealed record TokenConstraints(int[] RequiredAnyOf, int[] Forbidden)
{
    public bool IsEmpty => RequiredAnyOf.Length == 0 && Forbidden.Length == 0;

    public static TokenConstraints From(CaptionConstraints constraints, Data.Vocabulary vocabulary)
    {
        int[] Ids(IEnumerable<string> words) =>
            [.. words.Where(vocabulary.Contains).Select(vocabulary.IdOf).Where(id => id >= Data.Vocabulary.SpecialTokens.Count).Distinct().Order()];
        var forbidden = Ids(constraints.Forbidden);
        // A required word that is also forbidden can never be written: drop it from the alternatives.
        return new TokenConstraints([.. Ids(constraints.RequiredAnyOf).Except(forbidden)], forbidden);
    }
}
