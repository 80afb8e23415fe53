using ImageCaptioning.Model;

namespace ImageCaptioning.Hosting;

/// <summary>
/// Settings of <see cref="ICaptioningService"/> (bind them from configuration or set them in
/// <c>AddImageCaptioning(o => …)</c>). Anything left null comes from the environment, as in the CLI.
/// </summary>
public sealed class ImageCaptioningOptions
{
    /// <summary>A folder that already holds model files (the encoder ONNX, class names); default <c>IMAGECAPTIONING_MODELS_DIR</c>.</summary>
    public string? ModelsDirectory { get; set; }

    /// <summary>Where downloaded and derived model files go; default <c>IMAGECAPTIONING_MODEL_CACHE</c>, else the per-user cache.</summary>
    public string? ModelCacheDirectory { get; set; }

    /// <summary>A decoder model folder; default: the shipped model, which travels with the package.</summary>
    public string? ModelFolder { get; set; }

    /// <summary>Weights the decoder's steps read (default: the model's own, its config.json's step_weights).</summary>
    public DecoderWeightPrecision? DecoderPrecision { get; set; }
}
