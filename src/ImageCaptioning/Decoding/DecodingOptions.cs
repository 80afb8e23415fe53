using System.Text.Json.Serialization;

namespace ImageCaptioning.Decoding;

/// <summary>How the next word is chosen.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DecodingMethod>))]
public enum DecodingMethod
{
    /// <summary>The most likely word at every step (one hypothesis per image).</summary>
    Greedy,
    /// <summary>Beam search: <see cref="DecodingOptions.BeamWidth"/> hypotheses per image, n-best list.</summary>
    Beam,
    /// <summary>Random sampling with temperature and top-k: <see cref="DecodingOptions.NBest"/> independent samples per image.</summary>
    Sample,
}

/// <summary>Whether what the encoder recognises steers the caption's words (guided decoding).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DecodingGuidance>))]
public enum DecodingGuidance
{
    /// <summary>The decoder alone chooses the words.</summary>
    Off,
    /// <summary>
    /// A confident ImageNet tag must appear in the caption and "dog" is forbidden when the dog classes say no
    /// (<see cref="Tags.TagConstraints"/>, constrained beam search). Applies to beam search and greedy (beam 1); sampling ignores it.
    /// </summary>
    Tags,
}

/// <summary>How the consensus re-ranker weighs the n-grams two captions share.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ConsensusWeighting>))]
public enum ConsensusWeighting
{
    /// <summary>Every n-gram weighs its count (CIDEr-D's shape without document frequencies; needs no data beside the model).</summary>
    Uniform,
    /// <summary>
    /// CIDEr-D's TF-IDF weights with the document frequencies of the training references, so shared rare words count more
    /// than a shared "a" or "in the"; needs the model folder's <see cref="ConsensusDocumentFrequencies.FileName"/>.
    /// </summary>
    DocumentFrequency,
}

/// <summary>
/// Knobs of caption generation. Lengths count generated tokens including <c>&lt;end&gt;</c>: a caption that
/// finished has at most <see cref="MaxLength"/> − 1 words, one cut off at <see cref="MaxLength"/> has exactly
/// <see cref="MaxLength"/> words and <see cref="GeneratedCaption.Finished"/> = false.
/// Every value is checked when it is set (also in a <c>with</c> expression), so an instance is always valid and no
/// consumer checks it again; an out-of-range value throws <see cref="InvalidDecodingOptionsException"/> naming it.
/// </summary>
public sealed record DecodingOptions
{
    public const int MaxBeamWidth = 64;
    public const int MaxMaxLength = 200;
    public const int MaxNBest = 64;

    public static DecodingOptions Default { get; } = new();

    /// <summary>
    /// Hypotheses kept per image by beam search (1 = greedy). The defaults (beam 5, n-best 5, consensus re-ranking) are
    /// the setting chosen on the Flickr8k dev split for caption quality (MODEL_CARD.md).
    /// </summary>
    public int BeamWidth
    {
        get;
        init => field = InRange(value, 1, MaxBeamWidth, "beam width");
    } = 5;

    /// <summary>Most tokens generated per caption, <c>&lt;end&gt;</c> included.</summary>
    public int MaxLength
    {
        get;
        init => field = InRange(value, 1, MaxMaxLength, "maximum length");
    } = 20;

    /// <summary>
    /// α of the length normalisation Score = LogProbability / lengthᵅ (length = generated tokens incl. <c>&lt;end&gt;</c>);
    /// 0 = the raw sum of log-probabilities, larger values favour longer captions.
    /// </summary>
    public float LengthPenalty
    {
        get;
        init => field = InRange(value, 0f, 10f, "length penalty");
    }

    /// <summary>
    /// Captions returned per image: beam search returns up to min(NBest, BeamWidth) finished hypotheses,
    /// sampling draws NBest samples, greedy always returns one.
    /// </summary>
    public int NBest
    {
        get;
        init => field = InRange(value, 1, MaxNBest, "n-best size");
    } = 5;

    public DecodingMethod Method
    {
        get;
        init => field = Enum.IsDefined(value) ? value : throw Invalid($"Unknown decoding method {(int)value}.");
    } = DecodingMethod.Beam;

    /// <summary>
    /// Never generate a word that would repeat an n-gram of this size already in the caption (0 = off).
    /// The default 3 stops loops such as "a man in a blue shirt and a blue shirt and …" while leaving ordinary
    /// repeats such as "a dog … a ball" alone. Blocked words get −∞; the chosen words' log-probabilities stay the model's.
    /// </summary>
    public int NoRepeatNGramSize
    {
        get;
        init => field = value is 0 or >= 2 ? value
            : throw Invalid($"NoRepeatNGramSize must be 0 (off) or at least 2, got {value}.");
    } = 3;

    /// <summary>
    /// Beam search only: re-rank the n-best list by consensus (<see cref="ConsensusReranker"/>) instead of by score.
    /// Needs NBest ≥ 2 to have anything to compare. On by default: it raises dev CIDEr-D for the shipped model (MODEL_CARD.md).
    /// </summary>
    public bool ConsensusRerank { get; init; } = true;

    /// <summary>λ of the consensus re-ranking: weight of the length-normalised log-probability beside the consensus.</summary>
    public float ConsensusLogProbabilityWeight
    {
        get;
        init => field = InRange(value, 0f, 1000f, "consensus log-probability weight");
    } = 10f;

    /// <summary>
    /// α of the consensus re-ranking's log-probability term, λ · log p / tokensᵅ (tokens include <c>&lt;end&gt;</c>):
    /// 1 = per-token log-probability (the default), 0 = the caption's whole log-probability, which favours shorter captions.
    /// </summary>
    public float ConsensusLengthExponent
    {
        get;
        init => field = InRange(value, 0f, 4f, "consensus length exponent");
    } = 1f;

    /// <summary>How the consensus re-ranking weighs shared n-grams (<see cref="Decoding.ConsensusWeighting"/>).</summary>
    public ConsensusWeighting ConsensusWeighting
    {
        get;
        init => field = Enum.IsDefined(value) ? value
            : throw Invalid($"Unknown consensus weighting {(int)value}; use Uniform or DocumentFrequency.");
    } = ConsensusWeighting.Uniform;

    /// <summary>Sampling only: probabilities ∝ p^(1/T); below 1 sharper, above 1 more random.</summary>
    public float Temperature
    {
        get;
        init => field = float.IsFinite(value) && value is > 0f and <= 100f ? value
            : throw Invalid($"The temperature must be above 0 and at most 100, got {value}.");
    } = 1f;

    /// <summary>Sampling only: draw from the K most likely words (0 = from the whole vocabulary).</summary>
    public int TopK
    {
        get;
        init => field = value >= 0 ? value : throw Invalid($"Top-k must be 0 (off) or positive, got {value}.");
    }

    /// <summary>Sampling only: the random seed (same seed, same inputs → same captions); null = a fresh seed per call.</summary>
    public int? Seed { get; init; }

    /// <summary>Guided decoding from the encoder's tags (used by <see cref="Captioning.Captioner"/>, which has the encoder's prediction).</summary>
    public DecodingGuidance Guidance
    {
        get;
        init => field = Enum.IsDefined(value) ? value : throw Invalid($"Unknown guidance {(int)value}; use Off or Tags.");
    } = DecodingGuidance.Off;

    /// <summary>Rows (hypotheses) decoded per image at once.</summary>
    internal int RowsPerImage => Method switch
    {
        DecodingMethod.Beam => BeamWidth,
        DecodingMethod.Sample => NBest,
        _ => 1,
    };

    /// <summary>Captions returned per image.</summary>
    internal int ResultsPerImage => Method switch
    {
        DecodingMethod.Beam => Math.Min(NBest, BeamWidth),
        DecodingMethod.Sample => NBest,
        _ => 1,
    };

    /// <summary>Score of a hypothesis with <paramref name="logProbability"/> over <paramref name="length"/> tokens.</summary>
    internal double Score(double logProbability, int length) =>
        LengthPenalty == 0f || length == 0 ? logProbability : logProbability / Math.Pow(length, LengthPenalty);

    private static InvalidDecodingOptionsException Invalid(string message) => new(message);

    private static int InRange(int value, int min, int max, string name) =>
        value >= min && value <= max ? value : throw Invalid($"The {name} must be between {min} and {max}, got {value}.");

    private static float InRange(float value, float min, float max, string name) =>
        float.IsFinite(value) && value >= min && value <= max ? value : throw Invalid($"The {name} must be between {min} and {max}, got {value}.");
}
