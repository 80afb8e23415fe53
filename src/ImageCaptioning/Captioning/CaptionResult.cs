using ImageCaptioning.Decoding;
using ImageCaptioning.Encoder;
using ImageCaptioning.OutOfDistribution;
using ImageCaptioning.Tags;

namespace ImageCaptioning.Captioning;

/// <summary>Everything <see cref="Captioner"/> says about one image.</summary>
/// <param name="Best">The highest-scoring caption (= <paramref name="Alternatives"/>[0]).</param>
/// <param name="Alternatives">The n-best list, best <see cref="GeneratedCaption.Score"/> first, <paramref name="Best"/> included.</param>
/// <param name="Timings">Where the time went (per image; a batch's totals are divided by its size).</param>
/// <param name="TopClasses">
/// The encoder's most likely ImageNet classes, a hint at what it saw (with guided decoding, of the photo's undistorted squares
/// the tags were read from, <see cref="ImageEncoder.ClassProbabilitiesOverSquares"/>).
/// </param>
/// <param name="OutOfDistribution">Whether the photo looks unlike the training photos (null when the model folder has no reference set).</param>
public sealed record CaptionResult(
    GeneratedCaption Best,
    IReadOnlyList<GeneratedCaption> Alternatives,
    CaptionTimings Timings,
    IReadOnlyList<ClassProbability> TopClasses,
    OutOfDistributionCheck? OutOfDistribution = null)
{
    /// <summary>
    /// Caption words the encoder's ImageNet head gives evidence for (P ≥ 0.05, most probable first, at most
    /// <see cref="Captioner.TagCount"/>), without a broader word a narrower one holds half of (<see cref="ImageNetTagger.MostSpecific"/>).
    /// </summary>
    public IReadOnlyList<EncoderTag> Tags { get; init; } = [];

    /// <summary>What guided decoding asked of the caption (null when <see cref="DecodingOptions.Guidance"/> is off).</summary>
    public TagGuidance? Guidance { get; init; }
}

/// <summary>Milliseconds spent per stage for one image.</summary>
/// <param name="EncoderMs">The encoder (image decoding + CNN + grid layout).</param>
/// <param name="DecoderMs">Caption generation alone (greedy, beam search or sampling).</param>
/// <param name="TotalMs">Wall time of the whole call (every stage, <see cref="OutOfDistributionMs"/> and <see cref="TagsMs"/> included).</param>
public sealed record CaptionTimings(double EncoderMs, double DecoderMs, double TotalMs)
{
    /// <summary>The out-of-distribution check (nearest training features); 0 when the model folder has no reference set.</summary>
    public double OutOfDistributionMs { get; init; }

    /// <summary>The encoder's tags and, with guidance on, what they ask of the caption.</summary>
    public double TagsMs { get; init; }
}
