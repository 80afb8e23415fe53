namespace ImageCaptioning.Decoding;

/// <summary>
/// One generated caption.
/// </summary>
/// <param name="Text">The words joined by single spaces.</param>
/// <param name="Words">The generated words, without <c>&lt;start&gt;</c> and <c>&lt;end&gt;</c>.</param>
/// <param name="TokenIds">
/// Vocabulary ids the decoder read and scored, one per word of <paramref name="Words"/>. They spell the same words except
/// after guided decoding placed a novel word: its id is its proxy's (the novel word shares the proxy's weights), and an
/// "a"/"an" before it is shown agreeing with the novel word (see <see cref="CaptionConstraints.ShownAs"/>).
/// </param>
/// <param name="LogProbability">Σ log p of every generated token, including <c>&lt;end&gt;</c> when <paramref name="Finished"/>.</param>
/// <param name="Score">What hypotheses are ranked by: LogProbability / lengthᵅ (see <see cref="DecodingOptions.LengthPenalty"/>).</param>
/// <param name="Finished">True when the decoder emitted <c>&lt;end&gt;</c>; false when cut off at the maximum length.</param>
/// <param name="Attention">One attention map per word: P weights (the grid row-major: 7×7 = 49, or 14×14 = 196) summing to 1.</param>
public sealed record GeneratedCaption(
    string Text,
    IReadOnlyList<string> Words,
    IReadOnlyList<int> TokenIds,
    double LogProbability,
    double Score,
    bool Finished,
    IReadOnlyList<float[]> Attention)
{
    /// <summary>
    /// Guided decoding: whether the caption contains a required word (<see cref="CaptionConstraints.RequiredAnyOf"/>);
    /// null when no word was required, false when none fitted and the search fell back to the plain beam.
    /// </summary>
    public bool? ConstraintMet { get; init; }

    /// <summary>
    /// Guided decoding: indices into <see cref="Words"/> of the words written because they were required (empty when none):
    /// the first required word, where the constraint was met (a novel word is shown there).
    /// </summary>
    public IReadOnlyList<int> ConstrainedWordIndices { get; init; } = [];
}
