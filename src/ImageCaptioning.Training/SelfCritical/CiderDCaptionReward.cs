using ImageCaptioning.Decoding;
using ImageCaptioning.Metrics;

namespace ImageCaptioning.Training.SelfCritical;

/// <summary>
/// CIDEr-D of a caption against its image's references, tokenised as the evaluation tokenises (PTB), with document
/// frequencies over all the training images' references (<see cref="CiderDReward"/>).
/// One deliberate difference from the evaluation metric: every reference, and every sampled caption that emitted
/// &lt;end&gt;, gets an end-of-sentence token. Without it CIDEr-D cannot tell "a man sitting on a bench" from
/// "a man sitting on a", and self-critical training quickly learns to stop mid-phrase (measured here: dev BLEU-4
/// fell from 0.218 to 0.080 in 150 steps, captions like "a man is in a"); with it, "a &lt;eos&gt;" is an n-gram no reference
/// has and "bench &lt;eos&gt;" one that several share (the fix of the widely used reference SCST code).
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
