using ImageCaptioning.Data;

namespace ImageCaptioning.Decoder;

/// <summary>
/// A trained decoder as a folder, <c>models/&lt;name&gt;/</c>:
/// <list type="bullet">
/// <item><c>config.json</c>: <see cref="DecoderConfig"/> (sizes);</item>
/// <item><c>vocab.json</c>: the <see cref="Data.Vocabulary"/> (its size must equal <c>vocab_size</c>);</item>
/// <item><c>decoder.safetensors</c>: the tensors of <see cref="DecoderParameters"/>, F32 or F16 (names and shapes in
///   <see cref="DecoderModelCard.TensorTable"/>);</item>
/// <item><c>MODEL_CARD.md</c>: data, training, measured quality and speed (free text, not checksummed);</item>
/// <item><c>checksums.sha256</c>: <c>sha256sum</c> lines for the three files above, verified on every load.</item>
/// </list>
/// </summary>
public sealed class DecoderModel
{
    public const string ConfigFileName = "config.json";
    public const string VocabularyFileName = "vocab.json";
    public const string WeightsFileName = "decoder.safetensors";
    public const string ModelCardFileName = "MODEL_CARD.md";
    public const string ChecksumsFileName = "checksums.sha256";

    /// <summary>The files <see cref="ChecksumsFileName"/> covers.</summary>
    public static IReadOnlyList<string> ChecksummedFiles { get; } = [ConfigFileName, VocabularyFileName, WeightsFileName];

    public DecoderModel(DecoderParameters parameters, Vocabulary vocabulary, string? modelCard = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (vocabulary.Count != parameters.Config.VocabSize)
            throw new ModelFormatException(
                $"{VocabularyFileName} has {vocabulary.Count} tokens but {ConfigFileName} says vocab_size = {parameters.Config.VocabSize}.");
        Parameters = parameters;
        Vocabulary = vocabulary;
        ModelCard = modelCard;
    }

    public DecoderConfig Config => Parameters.Config;
    public DecoderParameters Parameters { get; }
    public Vocabulary Vocabulary { get; }

    /// <summary>The MODEL_CARD.md text (null: <see cref="Save"/> writes a generated description).</summary>
    public string? ModelCard { get; }

    /// <summary>The folder this model was loaded from (null when built in memory).</summary>
    public string? Folder { get; private init; }

    /// <summary>The folder's name, e.g. <c>flickr8k-mobilenetv2</c>.</summary>
    public string Name => Folder is null ? "(in memory)" : FolderName(Folder);

    private static string FolderName(string folder) => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));

    /// <summary>
    /// The precision <see cref="CreateDecoder"/>'s decoders read: <see cref="DecoderWeightPrecision.Float32"/> for a model
    /// built in memory (its arrays may still change), <see cref="DecoderWeightPrecision.Float16"/> after <see cref="Load"/>
    /// when the file stores every per-step matrix as F16 (the snapshot is then exactly the file's values).
    /// </summary>
    public DecoderWeightPrecision WeightPrecision { get; init; } = DecoderWeightPrecision.Float32;

    private AttentionDecoder? _halfPrecisionDecoder;

    /// <summary>The same model (sharing the weight arrays) with decoders of the given precision.</summary>
    public DecoderModel WithWeightPrecision(DecoderWeightPrecision precision) =>
        new(Parameters, Vocabulary, ModelCard) { Folder = Folder, WeightPrecision = precision };

    /// <summary>
    /// A decoder reading these weights. Float32: cheap, it shares the arrays. Float16: one decoder holding the snapshot,
    /// built on the first call and shared after (decoders are immutable and thread-safe).
    /// </summary>
    public AttentionDecoder CreateDecoder()
    {
        if (WeightPrecision == DecoderWeightPrecision.Float32) return new AttentionDecoder(Parameters);
        var decoder = Volatile.Read(ref _halfPrecisionDecoder);
        if (decoder is null)
        {
            Interlocked.CompareExchange(ref _halfPrecisionDecoder, new AttentionDecoder(Parameters, DecoderWeightPrecision.Float16), null);
            decoder = _halfPrecisionDecoder!;
        }
        return decoder;
    }

    /// <summary>A caption generator for this model.</summary>
    public CaptionGenerator CreateGenerator() => new(CreateDecoder(), Vocabulary);

    /// <summary>A randomly initialised model (tests and benchmarks before a trained one exists).</summary>
    public static DecoderModel CreateRandom(DecoderConfig config, Vocabulary vocabulary, int seed) =>
        new(DecoderParameters.CreateRandom(config, seed), vocabulary);

    /// <summary>
    /// Loads a model folder: checksums first (a damaged or edited file is named with both hashes), then the
    /// config, the vocabulary, and the weights (every tensor's name, shape and dtype checked against the config).
    /// When the per-step matrices are all float16 values (an F16 file), decoders use the float16 snapshot
    /// (<see cref="WeightPrecision"/>; <see cref="WithWeightPrecision"/> chooses otherwise).
    /// </summary>
    /// <exception cref="DecoderModelNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ModelFormatException">A file is missing, malformed, tampered with, or does not match the config.</exception>
    public static DecoderModel Load(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        folder = Path.GetFullPath(folder);
        if (!Directory.Exists(folder))
            throw new DecoderModelNotFoundException(folder, $"No decoder model folder at '{folder}'.");
        ModelChecksums.Verify(folder, [.. ChecksummedFiles]);
        var config = DecoderConfig.Load(Path.Combine(folder, ConfigFileName));
        Vocabulary vocabulary;
        try
        {
            vocabulary = Vocabulary.Load(Path.Combine(folder, VocabularyFileName));
        }
        catch (VocabularyFormatException ex)
        {
            throw new ModelFormatException(ex.Message);
        }
        if (vocabulary.Count != config.VocabSize)
            throw new ModelFormatException(
                $"'{Path.Combine(folder, VocabularyFileName)}' has {vocabulary.Count} tokens but {ConfigFileName} says vocab_size = {config.VocabSize}.");
        var parameters = DecoderWeightsIO.Load(config, Path.Combine(folder, WeightsFileName));
        string cardPath = Path.Combine(folder, ModelCardFileName);
        return new DecoderModel(parameters, vocabulary, File.Exists(cardPath) ? File.ReadAllText(cardPath) : null)
        {
            Folder = folder,
            WeightPrecision = HalfPrecisionWeights.IsLossless(parameters) ? DecoderWeightPrecision.Float16 : DecoderWeightPrecision.Float32,
        };
    }

    /// <summary>Writes the whole folder (creating it), checksums last so a folder with valid checksums is complete.</summary>
    public void Save(string folder, SafeTensorsFile.StorageType storage = SafeTensorsFile.StorageType.F32)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Directory.CreateDirectory(folder);
        File.Delete(Path.Combine(folder, ChecksumsFileName)); // a crash mid-save must not leave old checksums vouching for new files
        Config.Save(Path.Combine(folder, ConfigFileName));
        Vocabulary.Save(Path.Combine(folder, VocabularyFileName));
        DecoderWeightsIO.Save(Parameters, Path.Combine(folder, WeightsFileName), storage,
            new Dictionary<string, string> { ["format"] = DecoderConfig.FormatName });
        File.WriteAllText(Path.Combine(folder, ModelCardFileName), ModelCard ?? DecoderModelCard.Describe(this, FolderName(folder), storage));
        ModelChecksums.Write(folder, ChecksummedFiles);
    }
}
