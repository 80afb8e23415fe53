using ImageCaptioning.Decoding;
using ImageCaptioning.Metrics;

namespace ImageCaptioning.Training.SelfCritical;

/// <summary>
/// CIDEr-D of a caption against its image's references, tokenised as the evaluation tokenises (PTB), with document
/// frequencies over all the training images' references (<see cref="CiderDReward"/>).
/// Unlike the evaluation, references and finished samples end in an &lt;eos&gt; token, so a caption cut mid-phrase
/// ("a man sitting on a") earns nothing for its ending — without it the policy learns to stop mid-phrase.
/// </summary>
public sealed class CiderDCaptionReward : ICaptionReward
{
    /// <summary>The end-of-sentence token (not a word PTB tokenisation can produce).</summary>
    public const string EndToken = "<eos>";

    private readonly CiderDReward _cider;

    /// <param name="references">Image → raw reference captions, for every training image.</param>
    public CiderDCaptionReward(IReadOnlyDictionary<string, IReadOnlyList<string>> references)
    {
        var tokenized = new Dictionary<string, IReadOnlyList<IReadOnlyList<string>>>(references.Count, StringComparer.Ordinal);
        foreach (var (image, captions) in references)
            tokenized[image] = captions.Select(c => (IReadOnlyList<string>)[.. PtbTokenizer.Tokenize(c), EndToken]).ToArray();
        _cider = new CiderDReward(tokenized);
    }

    public double Score(string imageId, GeneratedCaption caption)
    {
        var tokens = PtbTokenizer.Tokenize(caption.Text);
        return _cider.Score(imageId, caption.Finished ? [.. tokens, EndToken] : tokens);
    }
}
