using ImageCaptioning.Captioning;
using ImageCaptioning.Decoding;
using ImageCaptioning.ModelFolder;

namespace ImageCaptioning.Web.Api;

/// <summary>
/// The JSON answer of <c>POST /api/caption</c>. Serialized with System.Text.Json's default encoder, which
/// escapes &lt; &gt; &amp; ' as \u003C… so no caption text can become markup even if a client misuses it.
/// </summary>
/// <param name="Caption">The best caption.</param>
/// <param name="Alternatives">The n-best list, best first (the first is <paramref name="Caption"/>).</param>
/// <param name="Words">The best caption's words, each with the attention map [row][column] over the model's side × side grid (7×7 for a decoder over the last convolution) the decoder used to produce it.</param>
/// <param name="Timings">Milliseconds spent in each stage.</param>
/// <param name="Model">Which model answered.</param>
/// <param name="Options">The generation options that were used.</param>
/// <param name="Classes">The encoder's top ImageNet classes, a hint of what it saw.</param>
/// <param name="OutOfDistribution">
/// Whether the photo looks unlike the training photos, so that the caption is probably wrong; null when the model
/// folder has no out-of-distribution reference set.
/// </param>
public sealed record CaptionResponse(
    string Caption,
    IReadOnlyList<AlternativeCaption> Alternatives,
    IReadOnlyList<CaptionWord> Words,
    CaptionTimingsResponse Timings,
    ModelSummary Model,
    DecodingSummary Options,
    IReadOnlyList<ImageClass> Classes,
    OutOfDistributionResponse? OutOfDistribution = null)
{
    /// <summary>Caption words the encoder's ImageNet head gives evidence for, most probable first, with the classes behind each.</summary>
    public IReadOnlyList<TagResponse> Tags { get; init; } = [];

    /// <summary>What guided decoding asked of the caption and which of its words came from a tag; null when guidance is off.</summary>
    public GuidanceResponse? Guidance { get; init; }

    /// <summary>Decimals kept in attention weights: plenty for a heat map, and a third of the JSON size of full floats.</summary>
    private const int AttentionDecimals = 4;

    public static CaptionResponse From(CaptionResult result, DecoderModel model, DecodingOptions options, double totalMilliseconds)
    {
        int side = (int)Math.Round(Math.Sqrt(model.Config.Positions)); // 7 for a 7×7 grid
        var best = result.Best;
        var words = new CaptionWord[best.Words.Count];
        for (int i = 0; i < words.Length; i++)
            words[i] = new CaptionWord(best.Words[i], ToGrid(best.Attention[i], side));
        return new CaptionResponse(
            best.Text,
            [.. result.Alternatives.Select(a => new AlternativeCaption(a.Text, Round(a.Score), Round(a.LogProbability), a.Finished))],
            words,
            CaptionTimingsResponse.From(result.Timings, totalMilliseconds),
            new ModelSummary(model.Name, model.Config.Encoder, model.Vocabulary.Count),
            new DecodingSummary(options.BeamWidth, options.MaxLength, options.NBest),
            [.. result.TopClasses.Select(c => new ImageClass(c.Label, Math.Round(c.Probability, 4)))],
            result.OutOfDistribution is { } ood ? new OutOfDistributionResponse(ood.Flagged, ood.Score, ood.Threshold, ood.Reason) : null)
        {
            Tags = [.. result.Tags.Select(t => new TagResponse(t.Word, Math.Round(t.Probability, 4), [.. t.SourceClasses.Select(c => c.Label)]))],
            Guidance = result.Guidance is { } g
                ? new GuidanceResponse(g.Forced?.Word, g.Forced is { } f ? Math.Round(f.Probability, 4) : null, g.RequiredAnyOf, g.ShownAs,
                    g.Forbidden, best.ConstraintMet, best.ConstrainedWordIndices)
                : null,
        };
    }

    /// <summary>A row-major [side·side] map as [side][side].</summary>
    private static float[][] ToGrid(float[] weights, int side)
    {
        var grid = new float[side][];
        for (int row = 0; row < side; row++)
        {
            grid[row] = new float[side];
            for (int col = 0; col < side; col++)
                grid[row][col] = MathF.Round(weights[row * side + col], AttentionDecimals);
        }
        return grid;
    }

    private static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 4) : -1e9;
}

/// <summary>
/// The out-of-distribution check: <paramref name="Flagged"/> when <paramref name="Score"/> (distance of the photo's
/// encoder features to the nearest training photos) exceeds <paramref name="Threshold"/> (calibrated on Flickr8k dev);
/// <paramref name="Reason"/> says why, as a clause the page quotes in its note.
/// </summary>
public sealed record OutOfDistributionResponse(bool Flagged, double Score, double Threshold, string Reason);

/// <summary>One caption of the n-best list.</summary>
/// <param name="Score">What the beam ranks by (length-normalised log-probability; higher is better).</param>
/// <param name="LogProbability">Σ log p of the caption's tokens.</param>
/// <param name="Finished">False when the caption was cut off at the maximum length.</param>
public sealed record AlternativeCaption(string Text, double Score, double LogProbability, bool Finished);

/// <summary>A generated word and where the decoder looked while producing it: weights over the model's side × side grid, summing to 1.</summary>
public sealed record CaptionWord(string Text, float[][] Attention);

/// <summary>The model that made the caption.</summary>
public sealed record ModelSummary(string Name, string Encoder, int VocabularySize);

/// <summary>The generation options used.</summary>
public sealed record DecodingSummary(int BeamWidth, int MaxLength, int NBest);

/// <summary>An ImageNet class the encoder recognised, with its probability.</summary>
public sealed record ImageClass(string Label, double Probability);

/// <summary>Milliseconds per stage.</summary>
/// <param name="EncoderMs">Image decoding and the CNN encoder.</param>
/// <param name="DecoderMs">Caption generation alone (beam search).</param>
/// <param name="CaptionMs">The whole captioning call (encoder, out-of-distribution check, tags, decoder).</param>
/// <param name="ServerMs">The request on the server: reading the upload, checks, captioning (queue wait excluded).</param>
/// <param name="OutOfDistributionMs">The out-of-distribution check.</param>
/// <param name="TagsMs">The encoder's tags (and guidance, when asked for).</param>
public sealed record CaptionTimingsResponse(double EncoderMs, double DecoderMs, double CaptionMs, double ServerMs,
    double OutOfDistributionMs, double TagsMs)
{
    public static CaptionTimingsResponse From(CaptionTimings timings, double serverMs) =>
        new(Math.Round(timings.EncoderMs, 2), Math.Round(timings.DecoderMs, 2), Math.Round(timings.TotalMs, 2), Math.Round(serverMs, 2),
            Math.Round(timings.OutOfDistributionMs, 2), Math.Round(timings.TagsMs, 2));
}

/// <summary>A caption word the encoder gives evidence for: its summed probability and its most probable ImageNet classes.</summary>
public sealed record TagResponse(string Word, double Probability, IReadOnlyList<string> Classes);

/// <summary>Guided decoding (<c>guidance=tags</c>).</summary>
/// <param name="ForcedTag">The confident tag the caption had to name; null when no tag was confident enough.</param>
/// <param name="RequiredAnyOf">The vocabulary words that satisfy it.</param>
/// <param name="ShownAs">
/// For a novel forced tag (a name outside the decoder's vocabulary, e.g. "pig"): required word → the word shown in its place
/// ("animal" → "pig"); the decoder writes the required word with its weights. Empty for a vocabulary tag.
/// </param>
/// <param name="Forbidden">Words the dog rule forbade (the dog classes have near-zero probability and another tag is confident).</param>
/// <param name="ConstraintMet">Whether the caption names the forced tag (false: it never fitted and the plain caption is shown).</param>
/// <param name="WordsFromTags">Indices into <c>words</c> of the words written because a tag required them.</param>
public sealed record GuidanceResponse(string? ForcedTag, double? ForcedTagProbability, IReadOnlyList<string> RequiredAnyOf,
    IReadOnlyDictionary<string, string> ShownAs, IReadOnlyList<string> Forbidden, bool? ConstraintMet, IReadOnlyList<int> WordsFromTags);
