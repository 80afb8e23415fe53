using System.CommandLine;
using ImageCaptioning.Captioning;
using ImageCaptioning.Decoding;

namespace ImageCaptioning.Cli.Commands.Caption;

/// <summary>The <c>--guidance off|tags</c> switch and the JSON that reports the encoder's tags and what guidance did.</summary>
internal static class GuidanceCli
{
    public static Option<DecodingGuidance> CreateOption() => new("--guidance")
    {
        Description = "Guided decoding: 'tags' makes a confident encoder tag appear in the caption and forbids 'dog' when the dog classes say no; 'off' lets the decoder alone choose.",
        DefaultValueFactory = _ => DecodingOptions.Default.Guidance,
    };

    public static IReadOnlyList<TagJson> Tags(CaptionResult result) =>
        [.. result.Tags.Select(t => new TagJson(t.Word, Math.Round(t.Probability, 4), [.. t.SourceClasses.Select(c => c.Label)]))];

    /// <summary>Null when guidance is off.</summary>
    public static GuidanceJson? Guidance(CaptionResult result) => result.Guidance is not { } g ? null : new GuidanceJson(
        g.Forced?.Word, g.Forced is { } f ? Math.Round(f.Probability, 4) : null, g.RequiredAnyOf, g.ShownAs, g.Forbidden, Math.Round(g.DogProbability, 4),
        result.Best.ConstraintMet, [.. result.Best.ConstrainedWordIndices.Select(i => result.Best.Words[i])]);
}

/// <summary>A caption word the encoder's ImageNet head gives evidence for, with the classes behind it.</summary>
internal sealed record TagJson(string Word, double Probability, IReadOnlyList<string> Classes);

/// <param name="ForcedTag">The confident tag the caption had to name (null: none).</param>
/// <param name="RequiredAnyOf">Vocabulary words that satisfy it.</param>
/// <param name="ShownAs">For a novel forced tag (e.g. "pig"): required word → word shown in its place ("animal" → "pig"); empty otherwise.</param>
/// <param name="Forbidden">Words the dog rule forbade.</param>
/// <param name="ConstraintMet">Whether the best caption names the forced tag (false: it never fitted, the plain caption is shown).</param>
/// <param name="WordsFromTags">Words of the best caption that were written because a tag required them.</param>
internal sealed record GuidanceJson(string? ForcedTag, double? ForcedTagProbability, IReadOnlyList<string> RequiredAnyOf,
    IReadOnlyDictionary<string, string> ShownAs, IReadOnlyList<string> Forbidden, double DogProbability, bool? ConstraintMet, IReadOnlyList<string> WordsFromTags);
