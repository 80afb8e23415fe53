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

    /// <summary>Reports download progress (0..1) if the encoder file has to be downloaded.</summary>
    public IProgress<double>? DownloadProgress { get; init; }
}
