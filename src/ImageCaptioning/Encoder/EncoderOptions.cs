using ImageCaptioning.Imaging;

namespace ImageCaptioning.Encoder;

/// <summary>Knobs of <see cref="ImageEncoder"/>; the defaults suit both the CLI and the web app.</summary>
public sealed record EncoderOptions
{
    /// <summary>Inputs larger than these are refused before decoding.</summary>
    public ImageLimits Limits { get; init; } = ImageLimits.Default;

    /// <summary>ONNX Runtime threads inside one Run (0 = ONNX Runtime's default, one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>How non-224×224 images are scaled; the default matches the ML.NET path exactly.</summary>
    public ImageResampling Resampling { get; init; } = ImageResampling.MatchMlNet;

    /// <summary>
    /// Mirror every image left–right before encoding (raw ONNX Runtime path only). Training uses a second feature cache
    /// of mirrored images as data augmentation: the decoder has no notion of position, so mirroring the 7×7 grid would
    /// change nothing, but the CNN's features of a mirrored photo are genuinely different numbers.
    /// </summary>
    public bool MirrorHorizontally { get; init; }

    /// <summary>
    /// Also return the 14×14×576 grid (<see cref="FeatureGrid.Fine"/>, <see cref="EncoderOutput.FineGrid"/>), for decoders
    /// that attend over it (raw ONNX Runtime path only).
    /// </summary>
    public bool FineGrid { get; init; }

    /// <summary>Reports download progress (0..1) if the encoder file has to be downloaded.</summary>
    public IProgress<double>? DownloadProgress { get; init; }
}
