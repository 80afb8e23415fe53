using System.Security.Cryptography;
using ImageCaptioning.Encoder;
using ImageCaptioning.Encoder.Onnx;
using ImageCaptioning.Imaging;
using ImageCaptioning.Tests.Infrastructure;
using Microsoft.ML.OnnxRuntime;

namespace ImageCaptioning.Tests.Encoder;

/// <summary>The derived ONNX model: same logits as the original, plus the feature map, with the normalisation folded in.</summary>
public sealed class FeatureModelTests : IDisposable
{
    private const int Side = EncoderGeometry.InputSize;
    private readonly string _cache = Path.Combine(Path.GetTempPath(), $"feature-model-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_cache))
            Directory.Delete(_cache, recursive: true);
    }

    private static string OriginalPath => Path.Combine(TestData.ModelsDirectory(), FeatureModel.SourceFileName);

    private static byte[] Original => File.ReadAllBytes(OriginalPath);

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public void ParsingAndWritingTheOriginalModelChangesNoByte()
    {
        byte[] original = Original;
        Assert.Equal(original, OnnxModelEditor.Parse(original).ToBytes());
    }

    [Fact]
    public void TheDerivedModelTakesPixelsAndAddsTheFeatureOutput()
    {
        byte[] original = Original;
        using var session = new InferenceSession(FeatureModel.Derive(original, Sha(original)));

        Assert.Equal([FeatureModel.PixelsInput], session.InputMetadata.Keys);
        Assert.Equal([-1, 3, Side, Side], session.InputMetadata[FeatureModel.PixelsInput].Dimensions);
        Assert.Equal([-1, 1000], session.OutputMetadata[FeatureModel.LogitsOutput].Dimensions);
        Assert.Equal([-1, 1280, 7, 7], session.OutputMetadata[FeatureModel.FeaturesOutput].Dimensions);
        Assert.Equal([-1, 576, 14, 14], session.OutputMetadata[FeatureModel.FineFeaturesOutput].Dimensions);
        Assert.Equal(Sha(original), OnnxModelEditor.Parse(FeatureModel.Derive(original, Sha(original))).GetMetadata(FeatureModel.SourceHashKey));
    }

    [Fact]
    public void DerivedLogitsEqualTheOriginalModelsLogitsOnRealImages()
    {
        byte[] original = Original;
        string[] ids = [EncoderFixture.DogsImage, "1000268201_693b08cb0e", "1002674143_1b742ab4b8"];
        float[] pixels = LoadPixels(ids.Select(EncoderFixture.Flickr8kImage));

        float[] derivedLogits = Run(FeatureModel.Derive(original, Sha(original)), FeatureModel.PixelsInput, pixels, ids.Length, FeatureModel.LogitsOutput);
        float[] originalLogits = Run(original, FeatureModel.OriginalInput, ImageNetNormalization.Normalize(pixels, Side * Side), ids.Length, FeatureModel.LogitsOutput);

        // Same float inputs reach the first QuantizeLinear, and the rest is the untouched graph: identical bits.
        Assert.Equal(originalLogits, derivedLogits);
        Assert.True(originalLogits.Max() - originalLogits.Min() > 5, "logits must carry a signal for the comparison to mean anything");
    }

    [Fact]
    public void TheFoldedNormalisationIsImageNetsMeanAndStd()
    {
        // Pixels at 255·mean normalise to 0 and pixels at 255·(mean + std) to 1, straight from the published constants.
        float[] mean = [0.485f, 0.456f, 0.406f], std = [0.229f, 0.224f, 0.225f];
        byte[] original = Original, derived = FeatureModel.Derive(original, Sha(original));
        foreach (float target in new[] { 0f, 1f })
        {
            var pixels = new float[3 * Side * Side];
            for (int c = 0; c < 3; c++)
                pixels.AsSpan(c * Side * Side, Side * Side).Fill(255f * (mean[c] + target * std[c]));
            var normalised = new float[pixels.Length];
            Array.Fill(normalised, target);

            float[] viaDerived = Run(derived, FeatureModel.PixelsInput, pixels, 1, FeatureModel.LogitsOutput);
            float[] viaOriginal = Run(original, FeatureModel.OriginalInput, normalised, 1, FeatureModel.LogitsOutput);
            // (x − 255·mean)·(1/(255·std)) may land an ulp away from the exact 0 or 1, but never across
            // the input's quantisation step (~0.02), so the integer network sees the same input.
            Assert.Equal(viaOriginal, viaDerived);
        }
    }

    [Fact]
    public void PooledFeaturesAgreeWithTheModelsOwnQuantisedPooling()
    {
        // A test-only variant that also outputs the model's QLinearGlobalAveragePool result, dequantised.
        byte[] original = Original;
        var editor = OnnxModelEditor.Parse(FeatureModel.Derive(original, Sha(original)));
        editor.AddNode("DequantizeLinear", "test_pool_dequantize", ["464_quantized", "464_scale", "464_zero_point"], "model_pooled");
        editor.AddFloatOutput("model_pooled", "batch_size", 1280L, 1L, 1L);
        float poolScale = editor.Model.Graph.Initializer.Single(t => t.Name == "464_scale").FloatData[0];
        byte[] variant = editor.ToBytes();

        float[] pixels = LoadPixels([EncoderFixture.Flickr8kImage(EncoderFixture.DogsImage)]);
        float[] features = Run(variant, FeatureModel.PixelsInput, pixels, 1, FeatureModel.FeaturesOutput); // [1280, 49]
        float[] modelPooled = Run(variant, FeatureModel.PixelsInput, pixels, 1, "model_pooled");          // [1280]

        var grid = new float[EncoderGeometry.GridFloats];
        FeatureLayout.ToPositionMajor(features, grid);
        float[] pooled = FeatureLayout.MeanOverPositions(grid);
        for (int c = 0; c < EncoderGeometry.Channels; c++)
            Assert.True(Math.Abs(pooled[c] - modelPooled[c]) <= poolScale * 0.5f + 1e-5f,
                $"channel {c}: mean {pooled[c]} vs model {modelPooled[c]} (step {poolScale})");
        Assert.Contains(pooled, v => v > 10 * poolScale); // not a trivially zero comparison
    }

    [Fact]
    public async Task TheDerivedModelIsCachedAndRederivedWhenDamaged()
    {
        byte[] original = Original;
        var ct = TestContext.Current.CancellationToken;
        string path = await FeatureModel.EnsureDerivedAsync(OriginalPath, Sha(original), _cache, ct);
        Assert.Equal(Path.Combine(_cache, "mobilenetv2-12-int8.features.onnx"), path);
        DateTime written = File.GetLastWriteTimeUtc(path);

        Assert.Equal(path, await FeatureModel.EnsureDerivedAsync(OriginalPath, Sha(original), _cache, ct));
        Assert.Equal(written, File.GetLastWriteTimeUtc(path)); // reused, not rewritten

        File.WriteAllBytes(path, [1, 2, 3]);
        await FeatureModel.EnsureDerivedAsync(OriginalPath, Sha(original), _cache, ct);
        Assert.Equal(FeatureModel.Derive(original, Sha(original)), File.ReadAllBytes(path));
    }

    [Fact]
    public async Task ACorruptedDerivedModelThatStillParsesIsRefusedAndRebuilt()
    {
        byte[] original = Original;
        var ct = TestContext.Current.CancellationToken;
        string path = await FeatureModel.EnsureDerivedAsync(OriginalPath, Sha(original), _cache, ct);
        byte[] good = File.ReadAllBytes(path);
        Assert.Equal($"{Sha(good)}  {Path.GetFileName(path)}", File.ReadAllText(FeatureModel.HashPath(path)).Trim()); // recorded when made

        // Flip one byte inside the weights: the protobuf still parses and its metadata still says "current",
        // so only the recorded hash can tell that this file would give wrong features.
        byte[] corrupted = CorruptOneWeightByte(good);
        var editor = OnnxModelEditor.Parse(corrupted);
        Assert.Equal(Sha(original), editor.GetMetadata(FeatureModel.SourceHashKey));
        Assert.Equal(FeatureModel.Recipe, editor.GetMetadata(FeatureModel.RecipeKey));
        File.WriteAllBytes(path, corrupted);

        Assert.Equal(path, await FeatureModel.EnsureDerivedAsync(OriginalPath, Sha(original), _cache, ct));

        Assert.Equal(good, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task ADerivedModelWithoutItsRecordedHashIsRebuilt()
    {
        byte[] original = Original;
        var ct = TestContext.Current.CancellationToken;
        string path = await FeatureModel.EnsureDerivedAsync(OriginalPath, Sha(original), _cache, ct);
        File.Delete(FeatureModel.HashPath(path));

        await FeatureModel.EnsureDerivedAsync(OriginalPath, Sha(original), _cache, ct);

        Assert.True(File.Exists(FeatureModel.HashPath(path)));
        Assert.Equal(FeatureModel.Derive(original, Sha(original)), File.ReadAllBytes(path));
    }

    /// <summary>A copy with one byte changed at the first position, from the middle on, where the model still parses.</summary>
    private static byte[] CorruptOneWeightByte(byte[] model)
    {
        for (int position = model.Length / 2; position < model.Length; position += 101)
        {
            byte[] copy = (byte[])model.Clone();
            copy[position] ^= 0x5A;
            try
            {
                OnnxModelEditor.Parse(copy);
                return copy;
            }
            catch (InvalidDataException)
            {
            }
        }
        throw new InvalidOperationException("No byte of the model could be changed without breaking its structure.");
    }

    [Fact]
    public async Task ACachedModelDerivedFromAnotherSourceIsReplaced()
    {
        byte[] original = Original;
        Directory.CreateDirectory(_cache);
        string path = Path.Combine(_cache, "mobilenetv2-12-int8.features.onnx");
        File.WriteAllBytes(path, FeatureModel.Derive(original, new string('0', 64))); // recorded as made from another file

        await FeatureModel.EnsureDerivedAsync(OriginalPath, Sha(original), _cache, TestContext.Current.CancellationToken);

        Assert.Equal(Sha(original), OnnxModelEditor.Parse(File.ReadAllBytes(path)).GetMetadata(FeatureModel.SourceHashKey));
    }

    internal static float[] LoadPixels(IEnumerable<string> paths)
    {
        var images = paths.Select(p => ValidatedImage.FromFile(p, ImageLimits.Default)).ToArray();
        var pixels = new float[images.Length * EncoderGeometry.InputFloats];
        for (int i = 0; i < images.Length; i++)
            ImagePixelDecoder.DecodeChw(images[i], Side, ImageResampling.MatchMlNet, pixels.AsSpan(i * EncoderGeometry.InputFloats, EncoderGeometry.InputFloats));
        return pixels;
    }

    private static float[] Run(byte[] model, string inputName, float[] input, int count, string outputName)
    {
        using var session = new InferenceSession(model);
        using var value = OrtValue.CreateTensorValueFromMemory(input, [count, 3, Side, Side]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [inputName], [value], [outputName]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
