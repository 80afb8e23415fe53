using System.Text.Json;
using System.Text.Json.Serialization;
using ImageCaptioning.Errors;

namespace ImageCaptioning.Model;

/// <summary>
/// Sizes of the Show-Attend-Tell decoder, saved as <c>config.json</c> beside the weights.
/// Symbols used in shape comments throughout the decoder code:
/// P = positions (49), E = encoder channels (1280), D = projected feature size, A = attention size,
/// H = LSTM hidden size, M = word embedding size, V = vocabulary size, R = rows decoded together (beams × images).
/// </summary>
public sealed record DecoderConfig
{
    public const string FormatName = "imagecaptioning-decoder/1";

    [JsonPropertyName("format")] public string Format { get; init; } = FormatName;
    /// <summary>P: attention positions (7×7 grid).</summary>
    [JsonPropertyName("positions")] public int Positions { get; init; } = 49;
    /// <summary>E: channels of each encoder feature vector.</summary>
    [JsonPropertyName("encoder_dim")] public int EncoderDim { get; init; } = 1280;
    /// <summary>D: size of the learned projection of each feature vector (what attention reads).</summary>
    [JsonPropertyName("feature_dim")] public int FeatureDim { get; init; } = 512;
    /// <summary>A: hidden size of the attention MLP.</summary>
    [JsonPropertyName("attention_dim")] public int AttentionDim { get; init; } = 256;
    /// <summary>M: word embedding size (also the deep-output size).</summary>
    [JsonPropertyName("embedding_dim")] public int EmbeddingDim { get; init; } = 256;
    /// <summary>H: LSTM hidden and cell size.</summary>
    [JsonPropertyName("hidden_dim")] public int HiddenDim { get; init; } = 512;
    /// <summary>V: vocabulary size, including the four special tokens.</summary>
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; }
    /// <summary>Dropout on the deep output before the vocabulary projection (training only).</summary>
    [JsonPropertyName("dropout")] public float Dropout { get; init; } = 0.5f;
    /// <summary>Name of the encoder whose features this decoder reads (for a clear error on a mismatch).</summary>
    [JsonPropertyName("encoder")] public string Encoder { get; init; } = "mobilenetv2-12-int8";
    /// <summary>
    /// Where h0 and c0 come from: <see cref="MeanFeatureInitialState"/> (absent = this) computes them from the mean
    /// projected feature v̄; <see cref="LearnedInitialState"/> makes them learned constants (tanh of the init biases), so
    /// the image reaches the caption only through attention.
    /// </summary>
    [JsonPropertyName("initial_state"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? InitialState { get; init; }

    /// <summary>
    /// How a loaded model's snapshot decoders (Float16 or Int8 <see cref="StepWeights"/>) compute the per-image
    /// projection W_p f: "float32" (absent = this), or "int8": int8 weights and u8 inputs (faster, approximate:
    /// <see cref="Numerics.Int8PackedMatrix"/>). Float32 decoders (training, <c>--precision Float32</c>) always compute it
    /// in float32.
    /// </summary>
    [JsonPropertyName("image_projection"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ImageProjection { get; init; }

    public const string Float32ImageProjectionName = "float32";
    public const string Int8ImageProjectionName = "int8";

    /// <summary>True when snapshot decoders project the grid with int8 weights (<see cref="ImageProjection"/>).</summary>
    [JsonIgnore] public bool Int8ImageProjection => ImageProjection == Int8ImageProjectionName;

    /// <summary>
    /// The weights a loaded model's decoder steps read (<see cref="DecoderWeightPrecision"/>): "int8" (int8 weights times
    /// u8 inputs at every number of rows: faster, slightly different, and the same caption at any batch size),
    /// "float16" (at most <see cref="AttentionDecoder.CompactWeightsMaxRows"/> rows per step, float32 above) or "float32".
    /// Absent: float16 when that copy of the file's weights is exact, else float32.
    /// </summary>
    [JsonPropertyName("step_weights"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StepWeights { get; init; }

    /// <summary>The values <see cref="StepWeights"/> may take: the <see cref="DecoderWeightPrecision"/> names in lower case.</summary>
    public static readonly string[] StepWeightsNames = [.. Enum.GetNames<DecoderWeightPrecision>().Select(name => name.ToLowerInvariant())];

    /// <summary>The precision <see cref="StepWeights"/> names; null when absent or not a name (the loader then decides, or <see cref="Validate"/> refuses it).</summary>
    [JsonIgnore]
    public DecoderWeightPrecision? StepWeightPrecision =>
        StepWeights is not null && StepWeightsNames.Contains(StepWeights) ? Enum.Parse<DecoderWeightPrecision>(StepWeights, ignoreCase: true) : null;

    public const string MeanFeatureInitialState = "mean_feature";
    public const string LearnedInitialState = "learned";

    /// <summary>True when h0, c0 are computed from the mean feature (the Show-Attend-Tell default).</summary>
    [JsonIgnore] public bool InitialStateFromFeatures => InitialState is null or MeanFeatureInitialState;

    /// <summary>
    /// The layout of a grid whose cells end with their parent cell's channels, when positions × encoder_dim is one
    /// (196 × 1856: the encoder's "14x14+7x7"); null for a plain grid. The decoder then projects each parent cell once.
    /// </summary>
    [JsonIgnore] public ParentCellLayout? ParentCells => ParentCellLayout.Of(Positions, EncoderDim);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public void Validate()
    {
        if (Format != FormatName)
            throw new ModelFormatException($"config.json has format '{Format}', expected '{FormatName}'.");
        foreach (var (name, value) in new[] {
            ("positions", Positions), ("encoder_dim", EncoderDim), ("feature_dim", FeatureDim), ("attention_dim", AttentionDim),
            ("embedding_dim", EmbeddingDim), ("hidden_dim", HiddenDim), ("vocab_size", VocabSize) })
        {
            if (value <= 0 || value > 1 << 20)
                throw new ModelFormatException($"config.json: '{name}' must be a positive size, got {value}.");
        }
        if (InitialState is not (null or MeanFeatureInitialState or LearnedInitialState))
            throw new ModelFormatException(
                $"config.json: 'initial_state' must be '{MeanFeatureInitialState}' or '{LearnedInitialState}', got '{InitialState}'.");
        if (ImageProjection is not (null or Float32ImageProjectionName or Int8ImageProjectionName))
            throw new ModelFormatException(
                $"config.json: 'image_projection' must be '{Float32ImageProjectionName}' or '{Int8ImageProjectionName}', got '{ImageProjection}'.");
        if (StepWeights is not null && !StepWeightsNames.Contains(StepWeights))
            throw new ModelFormatException($"config.json: 'step_weights' must be one of {string.Join(", ", StepWeightsNames.Select(n => $"'{n}'"))}, got '{StepWeights}'.");
        if (Dropout is < 0f or >= 1f)
            throw new ModelFormatException($"config.json: 'dropout' must be in [0, 1), got {Dropout}.");
    }

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    public static DecoderConfig Load(string path)
    {
        if (!File.Exists(path))
            throw new ModelFormatException($"Decoder config not found: '{path}'.");
        DecoderConfig? config;
        try { config = JsonSerializer.Deserialize<DecoderConfig>(File.ReadAllText(path)); }
        catch (JsonException ex) { throw new ModelFormatException($"'{path}' is not valid JSON: {ex.Message}"); }
        if (config is null) throw new ModelFormatException($"'{path}' is empty.");
        config.Validate();
        return config;
    }
}

/// <summary>A model folder or weights file is missing, malformed, or does not match its config.</summary>
public sealed class ModelFormatException(string message) : ImageCaptioningException(message);
