using System.Globalization;

namespace ImageCaptioning.Attention;

/// <summary>
/// Attention statistics over the content words of a set of captions (<see cref="AttentionProbe"/>), per decoder:
/// each (content word, decoder) pair counts once, with the α that decoder used to form its context vector.
/// </summary>
/// <param name="Captions">Captions probed (those with at least one content word).</param>
/// <param name="ContentWords">Content-word occurrences probed.</param>
/// <param name="Decoders">Decoders per word (the members of an ensemble, else 1).</param>
/// <param name="Positions">Cells of the attention grid (49).</param>
/// <param name="MeanNormalizedEntropy">Mean over (word, decoder) of entropy(α) / ln P (1 = uniform).</param>
/// <param name="MedianPeakTimesUniform">Median over (word, decoder) of max α × P (1 = uniform).</param>
/// <param name="ShownMeanNormalizedEntropy">The same for the map the API returns (the decoders' α averaged), over words.</param>
/// <param name="ShownMedianPeakTimesUniform">The same for the map the API returns, over words.</param>
/// <param name="MaskedCells">Cells zeroed per mask.</param>
/// <param name="RandomDraws">Random masks per (word, decoder), averaged.</param>
/// <param name="MeanTopMaskDrop">Mean over (word, decoder) of p(word) − p(word | highest-α cells zeroed).</param>
/// <param name="MeanRandomMaskDrop">Mean over (word, decoder) of p(word) − p(word | random cells zeroed).</param>
/// <param name="ShareTopMaskHurtsMore">Share of (word, decoder) whose top-α drop exceeds its random drop.</param>
/// <param name="ContentWordRule">How content words were picked.</param>
public sealed record AttentionReport(
    int Captions,
    int ContentWords,
    int Decoders,
    int Positions,
    double MeanNormalizedEntropy,
    double MedianPeakTimesUniform,
    double ShownMeanNormalizedEntropy,
    double ShownMedianPeakTimesUniform,
    int MaskedCells,
    int RandomDraws,
    double MeanTopMaskDrop,
    double MeanRandomMaskDrop,
    double ShareTopMaskHurtsMore,
    string ContentWordRule)
{
    public const string ContentWordRuleText =
        "content words = caption words not in a closed-class list (articles, determiners, pronouns, prepositions, "
        + "conjunctions, auxiliaries, cardinal numbers, particles; ImageCaptioning.Attention.ContentWords), no POS tagger";

    /// <summary>Aggregates the probes of <paramref name="captions"/> captions.</summary>
    public static AttentionReport From(IReadOnlyList<IReadOnlyList<ContentWordProbe>> captions, int maskedCells, int randomDraws)
    {
        ArgumentNullException.ThrowIfNull(captions);
        var words = captions.SelectMany(c => c).ToArray();
        if (words.Length == 0) throw new ArgumentException("no content words to report on", nameof(captions));
        int decoders = words[0].Alpha.Length, positions = words[0].Alpha[0].Length;
        var perDecoder = words.SelectMany(w => Enumerable.Range(0, decoders).Select(k => (Word: w, K: k))).ToArray();
        var shown = words.Select(w => w.ShownAlpha()).ToArray();
        return new AttentionReport(
            captions.Count(c => c.Count > 0),
            words.Length,
            decoders,
            positions,
            perDecoder.Average(p => AttentionStatistics.NormalizedEntropy(p.Word.Alpha[p.K])),
            AttentionStatistics.Median(perDecoder.Select(p => AttentionStatistics.PeakTimesUniform(p.Word.Alpha[p.K]))),
            shown.Average(a => AttentionStatistics.NormalizedEntropy(a)),
            AttentionStatistics.Median(shown.Select(a => AttentionStatistics.PeakTimesUniform(a))),
            maskedCells,
            randomDraws,
            perDecoder.Average(p => p.Word.Probability[p.K] - p.Word.TopMaskedProbability[p.K]),
            perDecoder.Average(p => p.Word.Probability[p.K] - p.Word.RandomMaskedProbability[p.K]),
            perDecoder.Count(p => p.Word.TopMaskedProbability[p.K] < p.Word.RandomMaskedProbability[p.K]) / (double)perDecoder.Length,
            ContentWordRuleText);
    }

    /// <summary>Name → value rows for a table.</summary>
    public IEnumerable<(string Name, string Value)> Rows()
    {
        string F(double x) => x.ToString("F4", CultureInfo.InvariantCulture);
        yield return ("content words (captions)", $"{ContentWords} ({Captions}), × {Decoders} decoder(s)");
        yield return ("mean normalised entropy of α", F(MeanNormalizedEntropy));
        yield return ("median peak α × cells", F(MedianPeakTimesUniform));
        yield return ("shown map (decoders' mean): entropy / peak", $"{F(ShownMeanNormalizedEntropy)} / {F(ShownMedianPeakTimesUniform)}");
        yield return ($"mean drop of p(word), top-{MaskedCells} α cells zeroed", F(MeanTopMaskDrop));
        yield return ($"mean drop of p(word), {MaskedCells} random cells zeroed", F(MeanRandomMaskDrop));
        yield return ("share of words where top-α masking hurts more", F(ShareTopMaskHurtsMore));
    }
}
