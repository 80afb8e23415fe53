namespace ImageCaptioning.Metrics;

/// <summary>
/// Scores generated captions as coco-caption's <c>COCOEvalCap.evaluate()</c> does: PTB-tokenise, then BLEU-1..4, ROUGE-L
/// and CIDEr-D (<see cref="CaptionScores.OmittedMetricsNote"/> says why not METEOR and SPICE). Every hypothesis image
/// must have references; other images' references stay out of CIDEr-D's document frequencies, as in coco-caption.
/// Images are scored in ordinal id order, so results do not depend on dictionary order.
/// </summary>
public static class CaptionEvaluator
{
    /// <summary>Corpus scores of <paramref name="hypotheses"/> (image id → generated caption).</summary>
    /// <param name="hypotheses">Image id → the generated caption (raw text).</param>
    /// <param name="references">Image id → its raw reference captions.</param>
    public static CaptionScores Evaluate(
        IReadOnlyDictionary<string, string> hypotheses, IReadOnlyDictionary<string, IReadOnlyList<string>> references) =>
        EvaluateDetailed(hypotheses, references).Scores;

    /// <summary>Corpus scores against references tokenised once (see <see cref="TokenizedReferences"/>).</summary>
    public static CaptionScores Evaluate(IReadOnlyDictionary<string, string> hypotheses, TokenizedReferences references) =>
        EvaluateDetailed(hypotheses, references).Scores;

    /// <summary>Corpus scores plus per-image scores.</summary>
    public static CaptionEvaluation EvaluateDetailed(
        IReadOnlyDictionary<string, string> hypotheses, IReadOnlyDictionary<string, IReadOnlyList<string>> references)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(references);
        // Tokenise only the references of evaluated images (the split may be much larger than the hypotheses).
        var needed = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (string imageId in hypotheses.Keys)
        {
            if (references.TryGetValue(imageId, out var captions))
                needed[imageId] = captions;
        }
        return EvaluateDetailed(hypotheses, TokenizedReferences.Create(needed));
    }

    /// <summary>Corpus scores plus per-image scores, against references tokenised once.</summary>
    public static CaptionEvaluation EvaluateDetailed(IReadOnlyDictionary<string, string> hypotheses, TokenizedReferences references)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(references);
        if (hypotheses.Count == 0)
            throw new CaptionEvaluationException("There are no captions to score.");

        var imageIds = hypotheses.Keys.Order(StringComparer.Ordinal).ToArray();
        var images = new TokenizedImage[imageIds.Length];
        for (int i = 0; i < imageIds.Length; i++)
        {
            string imageId = imageIds[i];
            string caption = hypotheses[imageId]
                ?? throw new CaptionEvaluationException($"The caption for image '{imageId}' is missing (null).");
            if (!references.TryGet(imageId, out var imageReferences))
                throw new CaptionEvaluationException($"Image '{imageId}' has a caption but no reference captions to compare with.");
            images[i] = new TokenizedImage(imageId, PtbTokenizer.Tokenize(caption), imageReferences);
        }
        return Score(images, imageIds.Select(id => hypotheses[id]).ToArray());
    }

    /// <summary>Scores already-tokenised images (their order is kept); <paramref name="captions"/> are the raw hypotheses.</summary>
    public static CaptionEvaluation Score(IReadOnlyList<TokenizedImage> images, IReadOnlyList<string>? captions = null)
    {
        var corpus = CountedCorpus.Build(images);
        var bleu = Bleu.Score(corpus);
        var rouge = RougeL.Score(images);
        var cider = CiderD.Score(corpus);

        var scores = new CaptionScores(
            bleu.Corpus.Bleu1, bleu.Corpus.Bleu2, bleu.Corpus.Bleu3, bleu.Corpus.Bleu4, rouge.Corpus, cider.Corpus, images.Count);
        var perImage = new ImageCaptionScores[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            string caption = captions?[i] ?? string.Join(' ', images[i].Hypothesis);
            perImage[i] = new ImageCaptionScores(
                images[i].ImageId, caption, images[i].Hypothesis, bleu.PerImage[i], rouge.PerImage[i], cider.PerImage[i]);
        }
        return new CaptionEvaluation(scores, perImage);
    }
}
