namespace ImageCaptioning.Metrics;

/// <summary>One image's scores, for "best and worst captions" views.</summary>
/// <param name="ImageId">The image's name.</param>
/// <param name="Caption">The generated caption as given.</param>
/// <param name="Tokens">The caption as scored (PTB tokens, lower-case, no punctuation).</param>
/// <param name="Bleu">Sentence-level BLEU-1..4 of this image alone.</param>
/// <param name="RougeL">This image's ROUGE-L.</param>
/// <param name="CiderD">This image's CIDEr-D (its document frequencies come from the whole evaluated set).</param>
public sealed record ImageCaptionScores(
    string ImageId, string Caption, IReadOnlyList<string> Tokens, BleuScores Bleu, double RougeL, double CiderD);

/// <summary>Corpus scores plus every image's own scores (images in ordinal order of their ids).</summary>
public sealed record CaptionEvaluation(CaptionScores Scores, IReadOnlyList<ImageCaptionScores> PerImage);
