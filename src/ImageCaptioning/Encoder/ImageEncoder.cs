using System.Buffers;
using System.Numerics.Tensors;
using ImageCaptioning.Configuration;
using ImageCaptioning.Imaging;
using ImageCaptioning.ModelFiles;

namespace ImageCaptioning.Encoder;

/// <summary>
/// MobileNetV2 (ONNX Model Zoo, int8) as an image encoder: image → 7×7×1280 feature grid, pooled
/// vector and ImageNet logits. Two paths run the same derived model on the same pixels:
/// <list type="bullet">
/// <item><see cref="Encode(ValidatedImage)"/> / <see cref="EncodeBatch(IReadOnlyList{ValidatedImage})"/>: raw ONNX Runtime, SkiaSharp decoding (fast, batched);</item>
/// <item><see cref="EncodeWithMlNet"/>: the ML.NET ImageAnalytics + OnnxTransformer pipeline (built once, on first use).</item>
/// </list>
/// Every method is safe to call from several threads at once.
/// </summary>
public sealed class ImageEncoder : IDisposable
{
    private readonly OnnxFeatureSession _session;
    private readonly Lazy<MlNetFeaturePipeline> _mlNet;
    private readonly EncoderOptions _options;

    private ImageEncoder(string derivedModelPath, string sourceSha256, IReadOnlyList<string> classNames, EncoderOptions options)
    {
        _options = options;
        DerivedModelPath = derivedModelPath;
        SourceModelSha256 = sourceSha256;
        ClassNames = classNames;
        _session = new OnnxFeatureSession(derivedModelPath, options.IntraOpThreads);
        _mlNet = new Lazy<MlNetFeaturePipeline>(
            () => new MlNetFeaturePipeline(derivedModelPath, options.IntraOpThreads), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The 1000 ImageNet class names, index = logit index.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>SHA-256 of the unmodified encoder file the derived model was made from.</summary>
    public string SourceModelSha256 { get; }

    /// <summary>Where the derived model (normalisation + feature output) is cached.</summary>
    public string DerivedModelPath { get; }

    /// <summary>
    /// Resolves the encoder and class-name files through <see cref="ModelStore"/> (user folder →
    /// cache → download), derives the feature model if needed, and opens an ONNX Runtime session.
    /// </summary>
    /// <exception cref="ModelFileException">A model file is missing, unavailable offline, or fails its hash check.</exception>
    public static async Task<ImageEncoder> CreateAsync(CaptioningPaths paths, EncoderOptions? options = null, CancellationToken ct = default)
    {
        options ??= new EncoderOptions();
        var store = new ModelStore(paths);
        string sourcePath = await store.ResolveAsync(FeatureModel.SourceFileName, options.DownloadProgress, ct);
        string classesPath = await store.ResolveAsync(ImageNetClasses.FileName, progress: null, ct);
        string sourceSha256 = store.Manifest.Get(FeatureModel.SourceFileName).Sha256;

        string derivedPath = await FeatureModel.EnsureDerivedAsync(sourcePath, sourceSha256, paths.ModelCacheDirectory, ct);
        IReadOnlyList<string> classNames = await ImageNetClasses.LoadAsync(classesPath, ct);
        return new ImageEncoder(derivedPath, sourceSha256, classNames, options);
    }

    /// <summary>True when every output also carries the 14×14 grid (<see cref="EncoderOptions.FineGrid"/>).</summary>
    public bool ComputesFineGrid => _options.FineGrid;

    /// <summary>The limits every input is checked against when it becomes a <see cref="ValidatedImage"/>.</summary>
    public ImageLimits Limits => _options.Limits;

    /// <summary>Encodes an image already read and checked through ONNX Runtime.</summary>
    /// <exception cref="InvalidImageException">Its data cannot be decoded.</exception>
    public EncoderOutput Encode(ValidatedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return EncodeValidated([image])[0];
    }

    /// <summary>Encodes an image file through ONNX Runtime.</summary>
    /// <exception cref="InvalidImageException">Not a supported image, damaged, or too large.</exception>
    public EncoderOutput Encode(string imagePath) => Encode(ValidatedImage.FromFile(imagePath, Limits));

    /// <summary>Encodes an image read from <paramref name="image"/> (e.g. an upload) through ONNX Runtime.</summary>
    /// <exception cref="InvalidImageException">Not a supported image, damaged, or too large.</exception>
    public EncoderOutput Encode(Stream image) => Encode(ValidatedImage.FromStream(image, Limits));

    /// <summary>Encodes several checked images in one ONNX Runtime call (pixel decoding runs in parallel). Results are in input order.</summary>
    /// <exception cref="InvalidImageException">The data of one of the images cannot be decoded; the message names it.</exception>
    public IReadOnlyList<EncoderOutput> EncodeBatch(IReadOnlyList<ValidatedImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return images.Count == 0 ? [] : EncodeValidated(images);
    }

    /// <summary>Encodes several files in one ONNX Runtime call (reading and decoding run in parallel). Results are in input order.</summary>
    /// <exception cref="InvalidImageException">Any of the images is bad; the message names it.</exception>
    public IReadOnlyList<EncoderOutput> EncodeBatch(IReadOnlyList<string> imagePaths) => EncodeBatch(ReadImages(imagePaths));

    /// <summary>Reads and checks <paramref name="imagePaths"/> in parallel, in input order.</summary>
    /// <exception cref="InvalidImageException">Any of the images is bad; the message names it.</exception>
    public ValidatedImage[] ReadImages(IReadOnlyList<string> imagePaths)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        var images = new ValidatedImage[imagePaths.Count];
        ForEachIndex(images.Length, i => images[i] = ValidatedImage.FromFile(imagePaths[i], Limits));
        return images;
    }

    /// <summary>
    /// The ImageNet class probabilities [1000] of <paramref name="image"/> seen undistorted: the softmax of each of its
    /// covering squares (<see cref="ImagePixelDecoder.CoveringSquares"/>: the photo itself when it is square, else three),
    /// averaged. <see cref="Encode(ValidatedImage)"/> stretches the whole photo to 224×224 because the decoder was trained
    /// on that grid; the classifier was trained on undistorted crops, and recognises the subject more often this way
    /// (guided decoding's tags, MODEL_CARD.md "Guided decoding"). One encoder run per square, in one ONNX Runtime call.
    /// </summary>
    /// <param name="image">The photo.</param>
    /// <param name="encoded">
    /// Its <see cref="Encode(ValidatedImage)"/> output when already at hand: a photo that is already a 224×224 square is its
    /// own only square, pixel for pixel, so its probabilities are read from this run instead of a second one.
    /// </param>
    /// <exception cref="InvalidImageException">Its data cannot be decoded.</exception>
    public float[] ClassProbabilitiesOverSquares(ValidatedImage image, EncoderOutput? encoded = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        int side = EncoderGeometry.InputSize;
        if (encoded is not null && !_options.MirrorHorizontally && image.Header.Width == side && image.Header.Height == side)
        {
            var own = new float[EncoderGeometry.Classes];
            TensorPrimitives.SoftMax(encoded.Logits, own);
            return own;
        }
        int maxFloats = ImagePixelDecoder.MaxCoveringSquares * EncoderGeometry.InputFloats;
        var pixels = ArrayPool<float>.Shared.Rent(maxFloats); // [squares, 3, 224, 224]
        try
        {
            int squares = ImagePixelDecoder.DecodeCoveringSquaresChw(image, EncoderGeometry.InputSize, pixels.AsSpan(0, maxFloats));
            var mean = new float[EncoderGeometry.Classes];
            _session.Run(pixels.AsMemory(0, squares * EncoderGeometry.InputFloats), squares, fine: false, (_, logits, _) =>
            {
                Span<float> probabilities = stackalloc float[EncoderGeometry.Classes];
                for (int i = 0; i < squares; i++)
                {
                    TensorPrimitives.SoftMax(logits.Slice(i * EncoderGeometry.Classes, EncoderGeometry.Classes), probabilities);
                    TensorPrimitives.Add(mean, probabilities, mean);
                }
            });
            TensorPrimitives.Divide(mean, squares, mean);
            return mean;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(pixels);
        }
    }

    /// <summary>
    /// Encodes an image file through the ML.NET pipeline. Inputs get the same checks as <see cref="Encode(string)"/>
    /// before ML.NET sees them. ML.NET always resizes by nearest neighbour, whatever <see cref="EncoderOptions.Resampling"/> says.
    /// </summary>
    public EncoderOutput EncodeWithMlNet(string imagePath)
    {
        if (_options.MirrorHorizontally)
            throw new InvalidOperationException("MirrorHorizontally applies to the raw ONNX Runtime path only (Encode / EncodeBatch).");
        ValidatedImage image = ValidatedImage.FromFile(imagePath, Limits);
        // ML.NET's loader accepts truncated files (it paints the missing rows grey); decoding once
        // here gives the same Corrupt error as the raw path instead.
        ImagePixelDecoder.DecodeChw(image, EncoderGeometry.InputSize, _options.Resampling, new float[EncoderGeometry.InputFloats]);
        MlNetFeaturePipeline pipeline = _mlNet.Value;
        float[] features, logits;
        try
        {
            (features, logits) = pipeline.Run(Path.GetFullPath(imagePath));
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidImageException(InvalidImageReason.Corrupt, $"{image.Source} could not be read by ML.NET: {ex.Message}", ex);
        }
        var grid = new float[EncoderGeometry.GridFloats];
        FeatureLayout.ToPositionMajor(features, grid);
        return new EncoderOutput(grid, logits, ClassNames);
    }

    /// <summary>
    /// Encodes checked images as <see cref="EncodeBatch(IReadOnlyList{ValidatedImage})"/> does and writes each image's
    /// <paramref name="grid"/> map [P, C] into <paramref name="grids"/> (image i from i · grid.Floats) straight from the
    /// encoder's outputs: the caption path's decoder input, with no per-image fine map in between. The outputs carry the
    /// 7×7 grid and the logits, not the fine map.
    /// </summary>
    /// <exception cref="InvalidImageException">The data of one of the images cannot be decoded; the message names it.</exception>
    internal EncoderOutput[] EncodeInto(IReadOnlyList<ValidatedImage> images, FeatureGrid grid, float[] grids)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(grid);
        if (grid.NeedsFineMap && !_options.FineGrid)
            throw new InvalidOperationException("This encoder was created without EncoderOptions.FineGrid.");
        if (grids.Length < images.Count * grid.Floats)
            throw new ArgumentException($"{images.Count} {grid.Name} grids need {images.Count * grid.Floats} floats, not {grids.Length}.", nameof(grids));
        return images.Count == 0 ? [] : EncodeValidated(images, (grid, grids));
    }

    /// <param name="into">A map to write for the decoder instead of keeping the fine map in the outputs (<see cref="EncodeInto"/>).</param>
    private EncoderOutput[] EncodeValidated(IReadOnlyList<ValidatedImage> images, (FeatureGrid Grid, float[] Grids)? into = null)
    {
        int count = images.Count, inputFloats = count * EncoderGeometry.InputFloats;
        // [count, 3, 224, 224] planar RGB 0..255, one slice per image; pooled, as a new array of this size per call would be
        // a large-object allocation every time (each slice is written in full).
        var pixels = ArrayPool<float>.Shared.Rent(inputFloats);
        try
        {
            ForEachIndex(count, i => ImagePixelDecoder.DecodeChw(images[i], EncoderGeometry.InputSize, _options.Resampling,
                pixels.AsSpan(i * EncoderGeometry.InputFloats, EncoderGeometry.InputFloats)));
            if (_options.MirrorHorizontally)
                MirrorRows(pixels.AsSpan(0, inputFloats), count * 3 * EncoderGeometry.InputSize, EncoderGeometry.InputSize);

            var outputs = new EncoderOutput[count];
            _session.Run(pixels.AsMemory(0, inputFloats), count, _options.FineGrid, (features, logits, fineFeatures) =>
                LayOut(count, features, logits, fineFeatures, into, outputs));
            return outputs;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(pixels);
        }
    }

    /// <summary>
    /// Lays one run's outputs out per image (see <see cref="EncoderOutputsReader"/> for the shapes), the images in parallel:
    /// each gets a new 7×7 grid array, and the first writes to fresh memory fault pages in, costing several times the copy.
    /// The spans are ONNX Runtime's buffers, valid only during the call, so the parallel loop reads them through pointers.
    /// </summary>
    private unsafe void LayOut(int count, ReadOnlySpan<float> features, ReadOnlySpan<float> logits, ReadOnlySpan<float> fineFeatures,
        (FeatureGrid Grid, float[] Grids)? into, EncoderOutput[] outputs)
    {
        var fine = FeatureGrid.Fine;
        fixed (float* featuresAt = features, logitsAt = logits, fineAt = fineFeatures)
        {
            nint f = (nint)featuresAt, l = (nint)logitsAt, ff = fineFeatures.IsEmpty ? 0 : (nint)fineAt;
            ForEachIndex(count, i =>
            {
                var imageFeatures = new ReadOnlySpan<float>((float*)f + (nint)i * EncoderGeometry.GridFloats, EncoderGeometry.GridFloats);
                var imageFine = ff == 0 ? default : new ReadOnlySpan<float>((float*)ff + (nint)i * fine.Floats, fine.Floats);
                var grid = new float[EncoderGeometry.GridFloats];  // [1280, 7, 7] → [49, 1280]
                FeatureLayout.ToPositionMajor(imageFeatures, grid);
                float[]? fineGrid = null;
                if (into is { } target)                                  // → the decoder's [P, C], image i
                    FeatureLayout.WriteGrid(target.Grid, grid, imageFine, target.Grids.AsSpan(i * target.Grid.Floats, target.Grid.Floats));
                else if (!imageFine.IsEmpty)
                {
                    fineGrid = new float[fine.Floats];                  // [576, 14, 14] → [196, 576]
                    FeatureLayout.ToPositionMajor(imageFine, fineGrid, fine.Positions, fine.Channels);
                }
                var imageLogits = new ReadOnlySpan<float>((float*)l + (nint)i * EncoderGeometry.Classes, EncoderGeometry.Classes);
                outputs[i] = new EncoderOutput(grid, imageLogits.ToArray(), ClassNames, fineGrid);
            });
        }
    }

    /// <summary>Reverses each of <paramref name="rows"/> rows of <paramref name="width"/> floats in place (a left–right mirror of CHW planes).</summary>
    internal static void MirrorRows(Span<float> planes, int rows, int width)
    {
        for (int r = 0; r < rows; r++) planes.Slice(r * width, width).Reverse();
    }

    /// <summary>
    /// Runs <paramref name="action"/> for 0..count-1, in parallel when there is more than one, and
    /// rethrows the first failure itself (not wrapped in an AggregateException) so callers see the
    /// <see cref="InvalidImageException"/> that names the bad image.
    /// </summary>
    private static void ForEachIndex(int count, Action<int> action)
    {
        if (count == 1)
        {
            action(0);
            return;
        }
        try
        {
            Parallel.For(0, count, action);
        }
        catch (AggregateException ex)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.Flatten().InnerExceptions[0]).Throw();
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        if (_mlNet.IsValueCreated)
            _mlNet.Value.Dispose();
    }
}
