using System.Text.RegularExpressions;
using ImageCaptioning.Data;
using ImageCaptioning.Decoding;
using ImageCaptioning.Model;

namespace ImageCaptioning.ModelFolder;

/// <summary>
/// A trained decoder as a folder, <c>models/&lt;name&gt;/</c>:
/// <list type="bullet">
/// <item><c>config.json</c>: <see cref="DecoderConfig"/> (sizes);</item>
/// <item><c>vocab.json</c>: the <see cref="Data.Vocabulary"/> (its size must equal <c>vocab_size</c>);</item>
/// <item><c>decoder.safetensors</c>: the tensors of <see cref="DecoderParameters"/>, F32 or F16 (names and shapes in
///   <see cref="DecoderModelCard.TensorTable"/>);</item>
/// <item><c>MODEL_CARD.md</c>: data, training, measured quality and speed (free text, not checksummed);</item>
/// <item>optionally <c>decoder-2.safetensors</c>, <c>decoder-3.safetensors</c>, …: more decoders of the same config and
///   vocabulary, trained separately; the model is then an ensemble of all of them (<see cref="DecoderEnsemble"/>);</item>
/// <item>optionally <c>decoding.json</c>: the model's own default decoding, and <c>cider-df.json</c>: the training
///   references' document frequencies for consensus re-ranking (<see cref="DecodingFiles"/>); each is checksummed when present;</item>
/// <item><c>checksums.sha256</c>: <c>sha256sum</c> lines for the files above, verified on every load.</item>
/// </list>
/// </summary>
public sealed partial class DecoderModel
{
    public const string ConfigFileName = "config.json";
    public const string VocabularyFileName = "vocab.json";
    public const string WeightsFileName = "decoder.safetensors";
    public const string ModelCardFileName = "MODEL_CARD.md";
    public const string ChecksumsFileName = "checksums.sha256";

    /// <summary>The files <see cref="ChecksumsFileName"/> covers.</summary>
    public static IReadOnlyList<string> ChecksummedFiles { get; } = [ConfigFileName, VocabularyFileName, WeightsFileName];

    public DecoderModel(DecoderParameters parameters, Vocabulary vocabulary, string? modelCard = null)
        : this([parameters], vocabulary, modelCard)
    {
    }

    /// <summary>An ensemble of <paramref name="members"/> (one member: a single decoder).</summary>
    public DecoderModel(IReadOnlyList<DecoderParameters> members, Vocabulary vocabulary, string? modelCard = null)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count == 0) throw new ArgumentException("a model needs at least one decoder", nameof(members));
        var parameters = members[0];
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (vocabulary.Count != parameters.Config.VocabSize)
            throw new ModelFormatException(
                $"{VocabularyFileName} has {vocabulary.Count} tokens but {ConfigFileName} says vocab_size = {parameters.Config.VocabSize}.");
        foreach (var member in members)
            if (member.Config with { Dropout = parameters.Config.Dropout } != parameters.Config)
                throw new ModelFormatException("Every decoder of an ensemble must have the same config (sizes and vocabulary).");
        Parameters = parameters;
        Members = [.. members];
        Vocabulary = vocabulary;
        ModelCard = modelCard;
    }

    /// <summary>The weights file of member <paramref name="index"/> (0-based): decoder.safetensors, decoder-2.safetensors, …</summary>
    public static string MemberFileName(int index) => index == 0 ? WeightsFileName : $"decoder-{index + 1}.safetensors";

    /// <summary>True for a file <see cref="Save"/> writes, or deletes when a smaller model replaces a larger one.</summary>
    public static bool IsSavedFileName(string name) =>
        name is ConfigFileName or VocabularyFileName or ChecksumsFileName or ModelCardFileName || MemberFile().IsMatch(name);

    [GeneratedRegex(@"^decoder(-[0-9]+)?\.safetensors$")]
    private static partial Regex MemberFile();

    /// <summary>The decoders' weights: one, or several for an ensemble. <see cref="Parameters"/> is the first.</summary>
    public IReadOnlyList<DecoderParameters> Members { get; }

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
    /// built in memory (its arrays may still change); after <see cref="Load"/> the config's <c>step_weights</c>, or when it
    /// has none <see cref="DecoderWeightPrecision.Float16"/> if the file stores every per-step matrix as F16 (the snapshot
    /// is then exactly the file's values).
    /// </summary>
    public DecoderWeightPrecision WeightPrecision { get; init; } = DecoderWeightPrecision.Float32;

    /// <summary>The decoding used when a caller gives none: the folder's <c>decoding.json</c>, else <see cref="DecodingOptions.Default"/>.</summary>
    public DecodingOptions DecodingDefaults { get; init; } = DecodingOptions.Default;

    /// <summary>The folder's <c>cider-df.json</c> (null when it has none): what <see cref="ConsensusWeighting.DocumentFrequency"/> needs.</summary>
    public ConsensusDocumentFrequencies? ConsensusFrequencies { get; init; }

    private AttentionDecoder? _compactDecoder;

    /// <summary>The same model (sharing the weight arrays) with decoders of the given precision.</summary>
    public DecoderModel WithWeightPrecision(DecoderWeightPrecision precision) =>
        new(Members, Vocabulary, ModelCard)
        {
            Folder = Folder, WeightPrecision = precision, DecodingDefaults = DecodingDefaults, ConsensusFrequencies = ConsensusFrequencies,
        };

    /// <summary>The same model with only its first <paramref name="count"/> decoders (1 = the single first decoder).</summary>
    public DecoderModel WithMembers(int count)
    {
        if (count < 1 || count > Members.Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"the model has {Members.Count} decoder(s)");
        return new(Members.Take(count).ToArray(), Vocabulary, ModelCard)
        {
            Folder = Folder, WeightPrecision = WeightPrecision, DecodingDefaults = DecodingDefaults, ConsensusFrequencies = ConsensusFrequencies,
        };
    }

    /// <summary>
    /// A decoder reading these weights. Float32: cheap, it shares the arrays. Float16 or Int8: one decoder holding the
    /// snapshot, built on the first call and shared after (decoders are immutable and thread-safe).
    /// </summary>
    public AttentionDecoder CreateDecoder()
    {
        if (WeightPrecision == DecoderWeightPrecision.Float32) return new AttentionDecoder(Parameters);
        return LazyInitializer.EnsureInitialized(ref _compactDecoder, () => new AttentionDecoder(Parameters, WeightPrecision));
    }

    /// <summary>The step decoder of this model: its decoder, or the ensemble of all its decoders.</summary>
    public IStepDecoder CreateStepDecoder() => Members.Count == 1
        ? CreateDecoder()
        : LazyInitializer.EnsureInitialized(ref _ensemble,   // one ensemble (and one worker thread) per model, even under concurrent first calls
            () => new DecoderEnsemble([.. Members.Select(m => new AttentionDecoder(m, WeightPrecision))]));

    private DecoderEnsemble? _ensemble;

    /// <summary>A caption generator for this model (an ensemble when it has several decoders).</summary>
    public CaptionGenerator CreateGenerator() => new(CreateStepDecoder(), Vocabulary, ConsensusFrequencies);

    /// <summary>A randomly initialised model (tests and benchmarks before a trained one exists).</summary>
    public static DecoderModel CreateRandom(DecoderConfig config, Vocabulary vocabulary, int seed) =>
        new(DecoderParameters.CreateRandom(config, seed), vocabulary);

    /// <summary>
    /// Loads a model folder: checksums first (a damaged or edited file is named with both hashes), then the
    /// config, the vocabulary, and the weights (every tensor's name, shape and dtype checked against the config).
    /// Decoders read the config's <c>step_weights</c> at a few rows, or when it says nothing the float16 snapshot if the
    /// per-step matrices are all float16 values (an F16 file) (<see cref="WeightPrecision"/>; <see cref="WithWeightPrecision"/>
    /// chooses otherwise).
    /// </summary>
    /// <exception cref="DecoderModelNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ModelFormatException">A file is missing, malformed, tampered with, or does not match the config.</exception>
    public static DecoderModel Load(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        folder = Path.GetFullPath(folder);
        if (!Directory.Exists(folder))
            throw new DecoderModelNotFoundException(folder, $"No decoder model folder at '{folder}'.");
        var memberFiles = Enumerable.Range(0, 64).Select(MemberFileName).TakeWhile((name, i) => i == 0 || File.Exists(Path.Combine(folder, name))).ToArray();
        ModelChecksums.Verify(folder, [ConfigFileName, VocabularyFileName, .. memberFiles]);
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
        var members = memberFiles.Select(name => DecoderWeightsIO.Load(config, Path.Combine(folder, name))).ToArray();
        string cardPath = Path.Combine(folder, ModelCardFileName);
        var (decodingDefaults, consensusFrequencies) = DecodingFiles.Load(folder);
        return new DecoderModel(members, vocabulary, File.Exists(cardPath) ? File.ReadAllText(cardPath) : null)
        {
            Folder = folder,
            WeightPrecision = config.StepWeightPrecision
                ?? (members.All(CompactStepWeights.IsLossless) ? DecoderWeightPrecision.Float16 : DecoderWeightPrecision.Float32),
            DecodingDefaults = decodingDefaults,
            ConsensusFrequencies = consensusFrequencies,
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
        for (int k = 0; k < Members.Count; k++)
            DecoderWeightsIO.Save(Members[k], Path.Combine(folder, MemberFileName(k)), storage,
                new Dictionary<string, string> { ["format"] = DecoderConfig.FormatName });
        for (int k = Members.Count; File.Exists(Path.Combine(folder, MemberFileName(k))); k++)
            File.Delete(Path.Combine(folder, MemberFileName(k)));   // a smaller model replaces a larger one
        File.WriteAllText(Path.Combine(folder, ModelCardFileName), ModelCard ?? DecoderModelCard.Describe(this, FolderName(folder), storage));
        ModelChecksums.Write(folder, [ConfigFileName, VocabularyFileName, .. Members.Select((_, k) => MemberFileName(k))]);
        // The decoding choice travels with the model; a stale one (unlisted in the new checksums) would fail the next load.
        File.Delete(Path.Combine(folder, DecodingFiles.DefaultsFileName));
        File.Delete(Path.Combine(folder, ConsensusDocumentFrequencies.FileName));
        if (DecodingDefaults != DecodingOptions.Default || ConsensusFrequencies is not null)
            DecodingFiles.Write(folder, DecodingDefaults, "carried over from the model this one was saved from", ConsensusFrequencies);
    }
}
