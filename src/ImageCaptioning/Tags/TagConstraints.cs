using ImageCaptioning.Data;
using ImageCaptioning.Decoding;

namespace ImageCaptioning.Tags;

/// <summary>
/// What guided decoding (<see cref="DecodingGuidance.Tags"/>) asks of one image's caption, and why.
/// </summary>
/// <param name="Forced">The confident tag the caption must name (null: none was confident enough, or none can be written).</param>
/// <param name="RequiredAnyOf">
/// The vocabulary words that satisfy it: the tag word, its plural and those of its top class's table words that are as
/// specific; for a novel word, its proxy and the proxy's plural (shown as the novel word, <see cref="ShownAs"/>).
/// </param>
/// <param name="Forbidden">Words the caption may not use (the dog rule), empty when the rule does not fire.</param>
/// <param name="DogProbability">P(dog group): the summed probability of the dog breeds.</param>
public sealed record TagGuidance(EncoderTag? Forced, IReadOnlyList<string> RequiredAnyOf, IReadOnlyList<string> Forbidden, float DogProbability)
{
    /// <summary>For a novel forced word: proxy → novel word shown in its place ("animal" → "pig", "animals" → "pigs").</summary>
    public IReadOnlyDictionary<string, string> ShownAs { get; init; } = new Dictionary<string, string>();

    /// <summary>The force threshold that applied (lower for a photo the out-of-distribution check flags).</summary>
    public float ForceThreshold { get; init; } = TagConstraints.ForceMinProbability;

    public CaptionConstraints Constraints => new(RequiredAnyOf, Forbidden) { ShownAs = ShownAs };
}

/// <summary>
/// Turns the encoder's ImageNet prediction into caption constraints (docs/guided-decoding-plan.md):
/// <list type="bullet">
/// <item>force the most specific tag with P ≥ <see cref="ForceMinProbability"/> — ≥ <see cref="OutOfDistributionForceMinProbability"/>
///   when the photo is unlike the training photos, where the decoder alone is least reliable. Most specific = fewest member
///   classes, so a class's own word beats its group's or category's ("chicken" over "bird", "pig" over "animal"); a tag's
///   probability is a sum over exclusive classes, so only a chain of nested tags can pass 0.5 together;</item>
/// <item>a forced word is also met by a narrower tag word the encoder gives P ≥ <see cref="NarrowerWordMinProbability"/>
///   (<see cref="ImageNetTagger.IsNarrower"/>: a forced "animal" by "bird", a forced "instrument" by "guitar");</item>
/// <item>a novel word (outside the vocabulary, <see cref="NovelWord"/>) is forced through its proxy and shown in its place;</item>
/// <item>the dog rule: forbid dog words when P(dog group) &lt; <see cref="DogRuleMaxDogProbability"/> and another tag has
///   P ≥ <see cref="DogRuleMinOtherProbability"/>.</item>
/// </list>
/// The dog-rule thresholds are the plan's numbers; the force thresholds were chosen on the subject dev set and Flickr8k dev
/// (MODEL_CARD.md, "Guided decoding").
/// </summary>
public static class TagConstraints
{
    public const float ForceMinProbability = 0.9f;
    public const float OutOfDistributionForceMinProbability = 0.5f;
    public const float DogRuleMaxDogProbability = 0.05f;
    public const float DogRuleMinOtherProbability = 0.5f;

    /// <summary>A narrower tag word meets a forced broader one (<see cref="ImageNetTagger.IsNarrower"/>) only with at least this probability.</summary>
    public const float NarrowerWordMinProbability = 0.05f;

    /// <summary>Words the dog rule forbids (those in the vocabulary).</summary>
    public static IReadOnlyList<string> DogWords { get; } = ["dog", "dogs", "puppy", "puppies"];

    /// <param name="outOfDistribution">The photo is flagged as unlike the training photos (the lower force threshold applies).</param>
    public static TagGuidance For(ImageNetTagger tagger, ReadOnlySpan<float> probabilities, Vocabulary vocabulary, bool outOfDistribution = false)
    {
        ArgumentNullException.ThrowIfNull(tagger);
        ArgumentNullException.ThrowIfNull(vocabulary);
        float threshold = outOfDistribution ? OutOfDistributionForceMinProbability : ForceMinProbability;
        var tags = tagger.Tag(probabilities, minProbability: NarrowerWordMinProbability, sourceCount: 1);
        float dog = tagger.GroupProbability("dog", probabilities) ?? 0f;

        var forced = tags.Where(t => t.Probability >= threshold && CanWrite(t, vocabulary))
            .OrderBy(t => tagger.ClassCount(t.Word)).ThenByDescending(t => t.Probability).ThenBy(t => t.Word, StringComparer.Ordinal)
            .FirstOrDefault();

        bool dogRule = dog < DogRuleMaxDogProbability && tags.Any(t => t.Word != "dog" && t.Probability >= DogRuleMinOtherProbability);
        IReadOnlyList<string> forbidden = dogRule ? [.. DogWords.Where(vocabulary.Contains)] : [];
        if (forced is null) return new TagGuidance(null, [], forbidden, dog) { ForceThreshold = threshold };

        if (forced.Novel is { } novel)
        {
            var shownAs = novel.Renderings.Where(p => vocabulary.Contains(p.Key) && !forbidden.Contains(p.Key)).ToDictionary();
            return new TagGuidance(forced, [.. shownAs.Keys], forbidden, dog) { ShownAs = shownAs, ForceThreshold = threshold };
        }
        return new TagGuidance(forced, [.. Alternatives(tagger, forced, tags, vocabulary).Except(forbidden)], forbidden, dog) { ForceThreshold = threshold };
    }

    private static bool CanWrite(EncoderTag tag, Vocabulary vocabulary) =>
        tag.Novel is { } novel ? vocabulary.Contains(novel.Proxy) : vocabulary.Contains(tag.Word);

    /// <summary>
    /// The tag word, its plural, its top class's table words that are at least as specific or that the table ranks above
    /// it (rows list a class's words best first): "chicken|bird" gives "chicken" but not "bird" when "chicken" is forced,
    /// "dog|terrier" gives "terrier" and "dog"; and the narrower tag words the encoder also gives P ≥
    /// <see cref="NarrowerWordMinProbability"/> (<see cref="ImageNetTagger.IsNarrower"/>), with their plurals: a forced
    /// "animal" is met by "bird" when the encoder gives birds some mass. Those in the vocabulary (Anderson et al.'s
    /// disjunctive constraint).
    /// </summary>
    private static IReadOnlyList<string> Alternatives(ImageNetTagger tagger, EncoderTag tag, IReadOnlyList<EncoderTag> tags, Vocabulary vocabulary)
    {
        var words = new List<string> { tag.Word, EnglishPlural.Of(tag.Word) };
        int specificity = tagger.ClassCount(tag.Word);
        if (tag.SourceClasses.Count > 0 && tagger.Table.Classes.FirstOrDefault(c => c.Label == tag.SourceClasses[0].Label) is { } top)
        {
            int rank = top.Words.ToList().IndexOf(tag.Word);
            words.AddRange(top.Words.Where((w, i) => tagger.ClassCount(w) <= specificity || (rank >= 0 && i < rank)));
        }
        foreach (var narrower in tags.Where(t => t.Novel is null && t.Probability >= NarrowerWordMinProbability && tagger.IsNarrower(t.Word, tag.Word)))
            words.AddRange([narrower.Word, EnglishPlural.Of(narrower.Word)]);
        return [.. words.Distinct().Where(vocabulary.Contains)];
    }
}
