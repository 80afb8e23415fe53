using ImageCaptioning.Data;
using ImageCaptioning.Decoding;

namespace ImageCaptioning.Tags;

/// <summary>
/// What guided decoding (<see cref="DecodingGuidance.Tags"/>) asks of one image's caption, and why.
/// </summary>
/// <param name="Forced">The confident tag the caption must name (null: none was confident enough, or none is a vocabulary word).</param>
/// <param name="RequiredAnyOf">The words that satisfy it (the tag word, its plural, its top class's table words), in the vocabulary.</param>
/// <param name="Forbidden">Words the caption may not use (the dog rule), empty when the rule does not fire.</param>
/// <param name="DogProbability">P(dog group): the summed probability of the dog breeds.</param>
public sealed record TagGuidance(EncoderTag? Forced, IReadOnlyList<string> RequiredAnyOf, IReadOnlyList<string> Forbidden, float DogProbability)
{
    public CaptionConstraints Constraints => new(RequiredAnyOf, Forbidden);
}

/// <summary>
/// Turns the encoder's ImageNet prediction into caption constraints (docs/guided-decoding-plan.md):
/// <list type="bullet">
/// <item>force the most specific tag with P ≥ <see cref="ForceMinProbability"/> (fewest member classes, so "cat" rather than
///   "animal" when both are confident; a tag's probability is a sum over exclusive classes, so at most a chain of nested tags
///   can pass 0.5);</item>
/// <item>the dog rule: forbid dog words when P(dog group) &lt; <see cref="DogRuleMaxDogProbability"/> and another tag has
///   P ≥ <see cref="DogRuleMinOtherProbability"/>.</item>
/// </list>
/// The dog-rule thresholds are the plan's numbers (docs/guided-decoding-plan.md). The force threshold was chosen on Flickr8k dev
/// between the plan's 0.7 and 0.9 (0.9: higher BLEU-4 and CIDEr-D, the same subject-set figures); MODEL_CARD.md has the results.
/// </summary>
public static class TagConstraints
{
    public const float ForceMinProbability = 0.9f;
    public const float DogRuleMaxDogProbability = 0.05f;
    public const float DogRuleMinOtherProbability = 0.5f;

    /// <summary>Words the dog rule forbids (those in the vocabulary).</summary>
    public static IReadOnlyList<string> DogWords { get; } = ["dog", "dogs", "puppy", "puppies"];

    public static TagGuidance For(ImageNetTagger tagger, ReadOnlySpan<float> probabilities, Vocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(tagger);
        ArgumentNullException.ThrowIfNull(vocabulary);
        var tags = tagger.Tag(probabilities, minProbability: DogRuleMinOtherProbability, sourceCount: 1);
        float dog = tagger.GroupProbability("dog", probabilities) ?? 0f;

        var forced = tags.Where(t => t.Probability >= ForceMinProbability && vocabulary.Contains(t.Word))
            .OrderBy(t => tagger.ClassCount(t.Word)).ThenByDescending(t => t.Probability).FirstOrDefault();
        IReadOnlyList<string> required = forced is null ? [] : Alternatives(tagger, forced, vocabulary);

        bool dogRule = dog < DogRuleMaxDogProbability && tags.Any(t => t.Word != "dog" && t.Probability >= DogRuleMinOtherProbability);
        IReadOnlyList<string> forbidden = dogRule ? [.. DogWords.Where(vocabulary.Contains)] : [];
        return new TagGuidance(forced, [.. required.Except(forbidden)], forbidden, dog);
    }

    /// <summary>The tag word, its plural and its top class's table words, those in the vocabulary (Anderson et al.'s disjunctive constraint).</summary>
    private static IReadOnlyList<string> Alternatives(ImageNetTagger tagger, EncoderTag tag, Vocabulary vocabulary)
    {
        var words = new List<string> { tag.Word, Plural(tag.Word) };
        if (tag.SourceClasses.Count > 0 && tagger.Table.Classes.FirstOrDefault(c => c.Label == tag.SourceClasses[0].Label) is { } top)
            words.AddRange(top.Words);
        return [.. words.Distinct().Where(vocabulary.Contains)];
    }

    private static string Plural(string word) =>
        word.EndsWith('y') && word.Length > 1 && !"aeiou".Contains(word[^2]) ? word[..^1] + "ies"
        : word.EndsWith('s') || word.EndsWith("sh") || word.EndsWith("ch") || word.EndsWith('x') ? word + "es"
        : word + "s";
}
