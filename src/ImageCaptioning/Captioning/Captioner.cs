using System.Buffers;
using System.Diagnostics;
using ImageCaptioning.Configuration;
using ImageCaptioning.Decoding;
using ImageCaptioning.Encoder;
using ImageCaptioning.Imaging;
using ImageCaptioning.Model;
using ImageCaptioning.ModelFiles;
using ImageCaptioning.ModelFolder;
using ImageCaptioning.OutOfDistribution;
using ImageCaptioning.Tags;

namespace ImageCaptioning.Captioning;

/// <summary>
/// Image → caption in one object: the encoder, the decoder and its vocabulary, loaded once.
/// Thread-safe: the encoder is, and every decoding call rents its own scratch buffers (never shared between threads).
/// </summary>
public sealed class Captioner : IDisposable
{
    /// <summary>The shipped model's folder name under <see cref="CaptioningPaths.ShippedModelsDirectory"/>.</summary>
    public const string DefaultModelName = "flickr8k-mobilenetv2";

    /// <summary>ImageNet classes reported with each caption.</summary>
    public const int TopClassCount = 5;

    /// <summary>Encoder tags (caption words the ImageNet head gives evidence for) reported with each caption, at most.</summary>
    public const int TagCount = 5;

    private static readonly Lazy<ImageNetTagger> s_tagger = new(() => new ImageNetTagger(ImageNetTagTable.Embedded));

    private readonly ImageEncoder _encoder;
    private readonly CaptionGenerator _generator;
    private bool _disposed;

    private Captioner(ImageEncoder encoder, DecoderModel model)
    {
        _encoder = encoder;
        Model = model;
        Grid = GridOf(model);
        _generator = model.CreateGenerator();
        OutOfDistribution = model.Folder is null ? null : FeatureNeighbourDetector.Load(model.Folder);
    }

    /// <summary>The model folder's out-of-distribution detector (null when the folder has none).</summary>
    public FeatureNeighbourDetector? OutOfDistribution { get; }

    /// <summary>The encoder map the decoder attends over (from its config's size).</summary>
    public FeatureGrid Grid { get; }

    /// <summary>The decoder, its vocabulary and model card.</summary>
    public DecoderModel Model { get; }

    /// <summary>The image encoder (e.g. for its file hash or class names).</summary>
    public ImageEncoder Encoder => _encoder;

    /// <summary>The ImageNet class → caption word tagger (the table built into the library) that guided decoding reads.</summary>
    public static ImageNetTagger Tagger => s_tagger.Value;

    /// <summary>The library-level generator (decodes features without the encoder).</summary>
    public CaptionGenerator Generator => _generator;

    /// <summary>
    /// Where the shipped decoder is taken from: the first complete copy in <see cref="ModelStore"/>'s order (configured folder,
    /// checkout, the app's packaged <c>models/</c>, cache), else <c>models/flickr8k-mobilenetv2</c> in the checkout.
    /// Hashes are checked when it loads (<see cref="CreateAsync"/>).
    /// </summary>
    public static string DefaultModelFolder(CaptioningPaths paths) =>
        new ModelStore(paths).FindFolder(DefaultModelName) ?? Path.Combine(paths.ShippedModelsDirectory, DefaultModelName);

    /// <summary>
    /// Loads the decoder model (the shipped one unless <paramref name="modelFolder"/> is given), checks that it reads
    /// this encoder's features, then opens the encoder. <paramref name="precision"/> chooses the weights the decoder's
    /// steps read (default: the model's own, <see cref="DecoderModel.WeightPrecision"/>).
    /// </summary>
    /// <exception cref="DecoderModelNotFoundException">No model folder (e.g. no decoder has been trained yet).</exception>
    /// <exception cref="ModelFormatException">The model folder is damaged or was made for another encoder.</exception>
    public static async Task<Captioner> CreateAsync(CaptioningPaths paths, string? modelFolder = null,
        DecoderWeightPrecision? precision = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        string folder = Path.GetFullPath(modelFolder ?? await ResolveShippedModelAsync(paths, ct));
        var model = await Task.Run(() => DecoderModel.Load(folder), ct);
        if (precision is { } chosen) model = model.WithWeightPrecision(chosen);
        CheckEncoderMatches(model);
        var encoder = await ImageEncoder.CreateAsync(paths, new EncoderOptions { FineGrid = GridOf(model).NeedsFineMap }, ct);
        return new Captioner(encoder, model);
    }

    /// <summary>The shipped decoder's folder, every file checked against models/manifest.json.</summary>
    private static async Task<string> ResolveShippedModelAsync(CaptioningPaths paths, CancellationToken ct)
    {
        try
        {
            return await new ModelStore(paths).ResolveFolderAsync(DefaultModelName, progress: null, ct);
        }
        catch (ModelFileException ex)
        {
            string folder = Path.Combine(paths.ShippedModelsDirectory, DefaultModelName);
            throw new DecoderModelNotFoundException(folder,
                $"The shipped decoder '{DefaultModelName}' could not be provided ({ex.Message}) Train one with `train` or pass --model <folder>.");
        }
    }

    /// <summary>Wraps an encoder and a model already loaded (the captioner then owns and disposes the encoder).</summary>
    public static Captioner Create(ImageEncoder encoder, DecoderModel model)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(model);
        CheckEncoderMatches(model);
        if (GridOf(model).NeedsFineMap && !encoder.ComputesFineGrid)
            throw new ArgumentException($"Decoder '{model.Name}' reads the 14×14 grid: create the encoder with EncoderOptions.FineGrid.", nameof(encoder));
        return new Captioner(encoder, model);
    }

    /// <summary>
    /// Captions an image that has been read and checked once (<see cref="ValidatedImage"/>): its bytes go to the encoder's
    /// pixel decoding as they are, and the caption comes back. Every other overload makes this value and calls this path.
    /// </summary>
    /// <exception cref="Imaging.InvalidImageException">Its data cannot be decoded.</exception>
    public CaptionResult Caption(ValidatedImage image, DecodingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        return CaptionOne(() => image, options);
    }

    /// <summary>Captions an image file.</summary>
    /// <exception cref="Imaging.InvalidImageException">Not a supported image, damaged, or too large.</exception>
    public CaptionResult Caption(string imagePath, DecodingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(imagePath);
        return CaptionOne(() => ValidatedImage.FromFile(imagePath, _encoder.Limits), options);
    }

    /// <summary>Captions an image read from a stream (e.g. an upload).</summary>
    public CaptionResult Caption(Stream image, DecodingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        return CaptionOne(() => ValidatedImage.FromStream(image, _encoder.Limits), options);
    }

    /// <summary>
    /// Captions a checked image off the calling thread. <paramref name="ct"/> is honoured before the encoder runs, between
    /// the encoder and the decoder, and before the result is returned: a cancelled call throws
    /// <see cref="OperationCanceledException"/> and never returns a caption.
    /// </summary>
    public Task<CaptionResult> CaptionAsync(ValidatedImage image, DecodingOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        return CaptionOneAsync(() => image, options, ct);
    }

    /// <summary>Captions an image file off the calling thread; <paramref name="ct"/> is also honoured before the file is read.</summary>
    public Task<CaptionResult> CaptionAsync(string imagePath, DecodingOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(imagePath);
        return CaptionOneAsync(() => ValidatedImage.FromFile(imagePath, _encoder.Limits), options, ct);
    }

    /// <summary>Captions an image read from a stream, off the calling thread; <paramref name="ct"/> is also honoured before the stream is read.</summary>
    public Task<CaptionResult> CaptionAsync(Stream image, DecodingOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        return CaptionOneAsync(() => ValidatedImage.FromStream(image, _encoder.Limits), options, ct);
    }

    /// <summary>Captions an image the encoder has already seen.</summary>
    public CaptionResult Caption(EncoderOutput encoded, DecodingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        ObjectDisposedException.ThrowIf(_disposed, this);
        long start = Stopwatch.GetTimestamp();
        var grid = RentGrids(1);
        try
        {
            encoded.WriteGrid(Grid, grid);
            return Decode(encoded, grid.AsSpan(0, Grid.Floats), image: null, options ?? Model.DecodingDefaults, start, encoderMs: 0);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(grid);
        }
    }

    /// <summary>
    /// Captions several checked images with one encoder call and one decoding pass (all beams of all images in each step's
    /// matrix products). Results are in input order; timings are the batch's totals divided by its size.
    /// </summary>
    /// <exception cref="Imaging.InvalidImageException">The data of one of the images cannot be decoded (the message names it); nothing is returned.</exception>
    public IReadOnlyList<CaptionResult> CaptionBatch(IReadOnlyList<ValidatedImage> images, DecodingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ObjectDisposedException.ThrowIf(_disposed, this);
        options ??= Model.DecodingDefaults;
        if (images.Count == 0) return [];
        var grids = RentGrids(images.Count);
        try { return CaptionBatch(images, options, grids); }
        finally { ArrayPool<float>.Shared.Return(grids); }
    }

    /// <summary>The batch path, with the decoder's input [N, P, E] written into <paramref name="grids"/> (<see cref="RentGrids"/>).</summary>
    private CaptionResult[] CaptionBatch(IReadOnlyList<ValidatedImage> images, DecodingOptions options, float[] grids)
    {
        long start = Stopwatch.GetTimestamp();
        int n = images.Count;
        var encoded = _encoder.EncodeInto(images, Grid, grids);
        double encoderMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

        long checkStart = Stopwatch.GetTimestamp();
        var distribution = CheckDistribution(encoded);
        long tagsStart = Stopwatch.GetTimestamp();
        var evidence = encoded.Select((e, i) => Evidence(e, images[i], distribution[i], options)).ToArray();
        long decodeStart = Stopwatch.GetTimestamp();
        var captions = _generator.Generate(grids.AsSpan(0, n * Grid.Floats), n, options,
            options.Guidance == DecodingGuidance.Tags ? [.. evidence.Select(e => e.Guidance?.Constraints)] : null);
        double decoderMs = Stopwatch.GetElapsedTime(decodeStart).TotalMilliseconds;
        double totalMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

        var timings = new CaptionTimings(encoderMs / n, decoderMs / n, totalMs / n)
        {
            OutOfDistributionMs = CheckMs(checkStart, tagsStart) / n,
            TagsMs = Stopwatch.GetElapsedTime(tagsStart, decodeStart).TotalMilliseconds / n,
        };
        var results = new CaptionResult[n];
        for (int i = 0; i < n; i++)
            results[i] = new CaptionResult(captions[i][0], captions[i], timings, evidence[i].TopClasses, distribution[i])
            {
                Tags = evidence[i].Tags,
                Guidance = evidence[i].Guidance,
            };
        return results;
    }

    /// <summary>Reads, checks and captions several files as <see cref="CaptionBatch(IReadOnlyList{ValidatedImage}, DecodingOptions?)"/> does.</summary>
    /// <exception cref="Imaging.InvalidImageException">One of the images is bad (the message names it); nothing is returned.</exception>
    public IReadOnlyList<CaptionResult> CaptionBatch(IReadOnlyList<string> imagePaths, DecodingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return CaptionBatch(_encoder.ReadImages(imagePaths), options);
    }

    private async Task<CaptionResult> CaptionOneAsync(Func<ValidatedImage> read, DecodingOptions? options, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ct.ThrowIfCancellationRequested();
        var result = await Task.Run(() => CaptionOne(read, options, ct), ct);
        ct.ThrowIfCancellationRequested();
        return result;
    }

    /// <summary>The one path of a single image: read (when not yet read) → encoder → decoder → result.</summary>
    private CaptionResult CaptionOne(Func<ValidatedImage> read, DecodingOptions? options, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        options ??= Model.DecodingDefaults; // the model's own default; valid by construction, so a bad option never costs an image read
        long start = Stopwatch.GetTimestamp();
        var grid = RentGrids(1);
        try
        {
            var image = read();
            var encoded = _encoder.EncodeInto([image], Grid, grid)[0];
            double encoderMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            ct.ThrowIfCancellationRequested(); // the decoder's work is not started for a caller that has gone
            return Decode(encoded, grid.AsSpan(0, Grid.Floats), image, options, start, encoderMs);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(grid);
        }
    }

    /// <summary>
    /// A pooled buffer for <paramref name="images"/> grids of <see cref="Grid"/> [N, P, E], the decoder's input (longer than
    /// that: slice it): a 14×14+7×7 grid is 1.45 MB per image, and a new array of that size per call would be a
    /// large-object allocation every time. Give it back to <see cref="ArrayPool{T}.Shared"/>.
    /// </summary>
    private float[] RentGrids(int images) => ArrayPool<float>.Shared.Rent(images * Grid.Floats);

    /// <param name="grid">The decoder's input [P, E] for <paramref name="encoded"/>.</param>
    private CaptionResult Decode(EncoderOutput encoded, ReadOnlySpan<float> grid, ValidatedImage? image, DecodingOptions options,
        long start, double encoderMs)
    {
        long checkStart = Stopwatch.GetTimestamp();
        var distribution = CheckDistribution([encoded])[0];
        long tagsStart = Stopwatch.GetTimestamp();
        var (tags, guidance, topClasses) = Evidence(encoded, image, distribution, options);
        long decodeStart = Stopwatch.GetTimestamp();
        var captions = _generator.Generate(grid, 1, options, guidance is null ? null : [guidance.Constraints])[0];
        double decoderMs = Stopwatch.GetElapsedTime(decodeStart).TotalMilliseconds;
        var timings = new CaptionTimings(encoderMs, decoderMs, Stopwatch.GetElapsedTime(start).TotalMilliseconds)
        {
            OutOfDistributionMs = CheckMs(checkStart, tagsStart),
            TagsMs = Stopwatch.GetElapsedTime(tagsStart, decodeStart).TotalMilliseconds,
        };
        return new CaptionResult(captions[0], captions, timings, topClasses, distribution)
        {
            Tags = tags,
            Guidance = guidance,
        };
    }

    /// <summary>
    /// The encoder's tags and top classes, and with <see cref="DecodingGuidance.Tags"/> what they ask of the caption (a photo
    /// the out-of-distribution check flags trusts its tags more: the decoder alone is least reliable there). With guidance
    /// and the image at hand, the ImageNet prediction is read from the photo's undistorted squares
    /// (<see cref="ImageEncoder.ClassProbabilitiesOverSquares"/>); otherwise from the encoder run that gave the grid.
    /// </summary>
    private (IReadOnlyList<EncoderTag> Tags, TagGuidance? Guidance, ClassProbability[] TopClasses) Evidence(EncoderOutput encoded,
        ValidatedImage? image, OutOfDistributionCheck? distribution, DecodingOptions options)
    {
        bool guided = options.Guidance == DecodingGuidance.Tags;
        float[] probabilities = guided && image is not null
            ? _encoder.ClassProbabilitiesOverSquares(image, encoded)
            : ImageNetTagger.Probabilities(encoded.Logits);
        var tags = Tagger.MostSpecific(Tagger.Tag(probabilities)).Take(TagCount).ToArray();
        var guidance = guided
            ? TagConstraints.For(Tagger, probabilities, Model.Vocabulary, outOfDistribution: distribution?.Flagged == true)
            : null;
        return (tags, guidance, TopClasses(probabilities));
    }

    /// <summary>The check's time, 0 without a check (the stopwatch would otherwise report the empty call).</summary>
    private double CheckMs(long start, long end) => OutOfDistribution is null ? 0 : Stopwatch.GetElapsedTime(start, end).TotalMilliseconds;

    /// <summary>The out-of-distribution check of every image at once (one product against the reference set), or nulls without one.</summary>
    private OutOfDistributionCheck?[] CheckDistribution(IReadOnlyList<EncoderOutput> encoded)
    {
        if (OutOfDistribution is not { } detector) return new OutOfDistributionCheck?[encoded.Count];
        int channels = detector.Channels;
        var pooled = new float[encoded.Count * channels]; // [N, C]
        for (int i = 0; i < encoded.Count; i++)
            encoded[i].Pooled.CopyTo(pooled, i * channels);
        return [.. detector.Check(pooled, encoded.Count)];
    }

    private ClassProbability[] TopClasses(float[] probabilities) => ClassProbability.Top(probabilities, _encoder.ClassNames, TopClassCount);

    /// <summary>The encoder map <paramref name="model"/> attends over, found by its config's positions × encoder_dim.</summary>
    /// <exception cref="ModelFormatException">No map of the encoder has that size.</exception>
    public static FeatureGrid GridOf(DecoderModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var config = model.Config;
        return FeatureGrid.Find(config.Positions, config.EncoderDim) ?? throw new ModelFormatException(
            $"Decoder '{model.Name}' reads {config.Positions}×{config.EncoderDim} features but the encoder produces "
            + string.Join(" or ", FeatureGrid.All.Select(g => $"{g.Positions}×{g.Channels}")) + ".");
    }

    private static void CheckEncoderMatches(DecoderModel model)
    {
        var config = model.Config;
        GridOf(model);
        string encoderName = Path.GetFileNameWithoutExtension(FeatureModel.SourceFileName);
        if (!string.Equals(config.Encoder, encoderName, StringComparison.OrdinalIgnoreCase))
            throw new ModelFormatException(
                $"Decoder '{model.Name}' was trained on features of '{config.Encoder}', but this encoder is '{encoderName}'.");
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _encoder.Dispose();
    }
}
