using System.Security.Cryptography;
using ImageCaptioning.Encoder.Onnx;

namespace ImageCaptioning.Encoder;

/// <summary>
/// Derives, from the unmodified ONNX Model Zoo MobileNetV2-int8, the model the encoder runs:
/// <code>
///   pixels  float [N,3,224,224]  RGB 0..255 (planar)            ← new graph input
///     → Sub(255·mean) → Mul(1/(255·std)) → input                ← the original input, now internal
///     → … original graph unchanged …
///   output   float [N,1000]       class logits                  (unchanged)
///   features      float [N,1280,7,7]   DequantizeLinear(627_quantized, 627_scale, 627_zero_point)
///   fine_features float [N,576,14,14]  DequantizeLinear(591_quantized, …): the stride-16 stage's expansion
/// </code>
/// Folding the ImageNet normalisation into the graph is what lets ML.NET's ExtractPixels (which has
/// one scalar scale/offset, not per-channel mean/std) and the raw ONNX Runtime path feed identical
/// raw pixels. The derived file is cached with the source's SHA-256 and the recipe version in its
/// metadata, and its own SHA-256 in a <c>.sha256</c> file beside it (written when it is made); it is re-derived
/// when either changes or when its bytes no longer match that hash (a damaged cache entry is never loaded).
/// </summary>
internal static class FeatureModel
{
    public const string SourceFileName = "mobilenetv2-12-int8.onnx";
    public const string PixelsInput = "pixels";
    public const string LogitsOutput = "output";
    public const string FeaturesOutput = "features";
    public const string FineFeaturesOutput = "fine_features";

    /// <summary>The original model's input.</summary>
    internal const string OriginalInput = "input";

    /// <summary>The last convolution's uint8 output and its scale and zero point: the inputs DequantizeLinear takes.</summary>
    private static readonly string[] LastConvQuantized = ["627_quantized", "627_scale", "627_zero_point"];

    /// <summary>
    /// The richest 14×14 map: the 1×1 expansion (96 → 576 channels, ReLU6) that feeds the last stride-2 depthwise
    /// convolution. ONNX Runtime computes it on every run anyway; the output only keeps it.
    /// </summary>
    private static readonly string[] FineExpansionQuantized = ["591_quantized", "591_scale", "591_zero_point"];

    internal const string SourceHashKey = "imagecaptioning.source_sha256";
    internal const string RecipeKey = "imagecaptioning.recipe";
    /// <summary>Bump when <see cref="Derive"/> changes, so cached copies are re-derived.</summary>
    internal const string Recipe = "features-v2";

    private const string BatchSymbol = "batch_size";

    /// <summary>The derived model's bytes.</summary>
    public static byte[] Derive(byte[] originalOnnx, string sourceSha256)
    {
        var editor = OnnxModelEditor.Parse(originalOnnx);
        foreach (string value in LastConvQuantized.Concat(FineExpansionQuantized)) editor.RequireValue(value);
        editor.GraphInput(OriginalInput);

        // Normalisation prefix: input = (pixels − 255·mean) · 1/(255·std), constants shaped [1,3,1,1] to broadcast over N,H,W.
        int size = EncoderGeometry.InputSize;
        editor.ReplaceInput(OriginalInput, PixelsInput, BatchSymbol, 3L, (long)size, (long)size);
        editor.AddFloatInitializer("imagenet_pixel_mean", [1, 3, 1, 1], ImageNetNormalization.PixelMean);
        editor.AddFloatInitializer("imagenet_pixel_inv_std", [1, 3, 1, 1], ImageNetNormalization.PixelInverseStd);
        // Inserted at the start in reverse order, so the node list stays Sub, Mul, <original nodes>.
        editor.AddNode("Mul", "imagenet_scale", ["pixels_centered", "imagenet_pixel_inv_std"], OriginalInput, atStart: true);
        editor.AddNode("Sub", "imagenet_center", [PixelsInput, "imagenet_pixel_mean"], "pixels_centered", atStart: true);

        // Feature output: the last convolution's uint8 map, dequantised to float [N,1280,7,7].
        editor.AddNode("DequantizeLinear", "features_dequantize", LastConvQuantized, FeaturesOutput);
        editor.AddFloatOutput(FeaturesOutput, BatchSymbol, (long)EncoderGeometry.Channels, (long)EncoderGeometry.GridSide, (long)EncoderGeometry.GridSide);
        // Fine output: the 14×14 expansion map, dequantised to float [N,576,14,14].
        editor.AddNode("DequantizeLinear", "fine_features_dequantize", FineExpansionQuantized, FineFeaturesOutput);
        editor.AddFloatOutput(FineFeaturesOutput, BatchSymbol, (long)FeatureGrid.Fine.Channels, (long)FeatureGrid.Fine.Side, (long)FeatureGrid.Fine.Side);

        editor.SetMetadata(SourceHashKey, sourceSha256);
        editor.SetMetadata(RecipeKey, Recipe);
        return editor.ToBytes();
    }

    /// <summary>
    /// The path of the derived model in <paramref name="cacheDirectory"/>, deriving it first when
    /// there is no cached copy made from this exact source by this recipe.
    /// </summary>
    public static async Task<string> EnsureDerivedAsync(string sourcePath, string sourceSha256, string cacheDirectory, CancellationToken ct)
    {
        string derivedPath = Path.Combine(cacheDirectory, Path.GetFileNameWithoutExtension(sourcePath) + ".features.onnx");
        if (File.Exists(derivedPath) && await IsCurrentAsync(derivedPath, sourceSha256, ct))
            return derivedPath;

        byte[] source = await File.ReadAllBytesAsync(sourcePath, ct);
        // The caller verified the file's hash moments ago; re-check the bytes we actually read.
        string actual = Convert.ToHexStringLower(SHA256.HashData(source));
        if (actual != sourceSha256)
            throw new InvalidDataException($"'{sourcePath}' changed while it was being read (SHA-256 {actual}, expected {sourceSha256}).");

        byte[] derived = Derive(source, sourceSha256);
        Directory.CreateDirectory(cacheDirectory);
        // Written aside and moved into place, so a concurrent reader never sees half a file; the hash goes last,
        // so a reader that sees the new model with the old hash re-derives rather than trusting it.
        string temporary = $"{derivedPath}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(temporary, derived, ct);
        File.Move(temporary, derivedPath, overwrite: true);
        string hashTemporary = $"{HashPath(derivedPath)}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllTextAsync(hashTemporary,
            $"{Convert.ToHexStringLower(SHA256.HashData(derived))}  {Path.GetFileName(derivedPath)}\n", ct);
        File.Move(hashTemporary, HashPath(derivedPath), overwrite: true);
        return derivedPath;
    }

    /// <summary>The <c>sha256sum</c>-format file holding the derived model's hash, recorded when it was made.</summary>
    internal static string HashPath(string derivedPath) => derivedPath + ".sha256";

    private static async Task<bool> IsCurrentAsync(string derivedPath, string sourceSha256, CancellationToken ct)
    {
        try
        {
            // The recorded hash first: a corrupted file can still parse (a flipped weight byte) and must not be loaded.
            string hashFile = HashPath(derivedPath);
            if (!File.Exists(hashFile))
                return false;
            string recorded = (await File.ReadAllTextAsync(hashFile, ct)).Split(' ', 2)[0].Trim();
            byte[] bytes = await File.ReadAllBytesAsync(derivedPath, ct);
            if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != recorded)
                return false;
            var editor = OnnxModelEditor.Parse(bytes);
            return editor.GetMetadata(SourceHashKey) == sourceSha256 && editor.GetMetadata(RecipeKey) == Recipe;
        }
        catch (InvalidDataException)
        {
            return false; // damaged cache entry: derive again
        }
    }
}
