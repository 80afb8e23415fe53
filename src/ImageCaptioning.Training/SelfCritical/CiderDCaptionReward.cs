using ImageCaptioning.Decoding;
using ImageCaptioning.Metrics;

namespace ImageCaptioning.Training.SelfCritical;

/// <summary>
/// CIDEr-D of a caption against its image's references, tokenised as the evaluation tokenises (PTB), with document
/// frequencies over all the training images' references (<see cref="CiderDReward"/>).
/// Unlike the evaluation, references and finished samples end in an &lt;eos&gt; token, so a caption cut mid-phrase
/// ("a man sitting on a") earns nothing for its ending — without it the policy learns to stop mid-phrase.
/// With a unigram-precision weight w &gt; 0 the reward is CIDEr-D + w × the caption's clipped unigram precision against
/// the same references (<see cref="ClippedUnigramPrecision"/>, words only, no &lt;eos&gt;).
/// </summary>
public sealed class CiderDCaptionReward : ICaptionReward
{
    /// <summary>The end-of-sentence token (not a word PTB tokenisation can produce).</summary>
    public const string EndToken = "<eos>";

    private readonly CiderDReward _cider;
    private readonly ClippedUnigramPrecision? _precision;
    private readonly double _precisionWeight;

    /// <param name="references">Image → raw reference captions, for every training image.</param>
    /// <param name="unigramPrecisionWeight">w of the added clipped unigram precision (0 = CIDEr-D alone).</param>
    public CiderDCaptionReward(IReadOnlyDictionary<string, IReadOnlyList<string>> references, double unigramPrecisionWeight = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(unigramPrecisionWeight);
        var words = new Dictionary<string, IReadOnlyList<IReadOnlyList<string>>>(references.Count, StringComparer.Ordinal);
        foreach (var (image, captions) in references)
            words[image] = captions.Select(c => (IReadOnlyList<string>)PtbTokenizer.Tokenize(c)).ToArray();
        _cider = new CiderDReward(words.ToDictionary(p => p.Key,
            p => (IReadOnlyList<IReadOnlyList<string>>)p.Value.Select(r => (IReadOnlyList<string>)[.. r, EndToken]).ToArray(), StringComparer.Ordinal));
        _precisionWeight = unigramPrecisionWeight;
        if (unigramPrecisionWeight > 0) _precision = new ClippedUnigramPrecision(words);
    }

    public double Score(string imageId, GeneratedCaption caption)
    {
        var tokens = PtbTokenizer.Tokenize(caption.Text);
        double cider = _cider.Score(imageId, caption.Finished ? [.. tokens, EndToken] : tokens);
        return _precision is null ? cider : cider + _precisionWeight * _precision.Score(imageId, tokens);
    }
}
