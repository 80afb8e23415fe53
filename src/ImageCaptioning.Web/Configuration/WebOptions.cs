using ImageCaptioning.Decoder;
using ImageCaptioning.Imaging;

namespace ImageCaptioning.Web.Configuration;

/// <summary>
/// Settings of the web demo, bound from the <c>ImageCaptioning</c> configuration section
/// (appsettings.json, then environment variables such as <c>ImageCaptioning__MaxUploadBytes</c>,
/// then the command line — see <see cref="WebConfiguration"/> for the short switches and variables).
/// </summary>
public sealed class WebOptions
{
    public const string SectionName = "ImageCaptioning";

    /// <summary>Kestrel's address when none is configured: loopback only, so the demo is not exposed by accident.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5000";

    /// <summary>The decoder folder's name under the shipped models folder.</summary>
    public const string DefaultModelName = "flickr8k-mobilenetv2";

    /// <summary>Decoder model folder (config.json, vocab.json, decoder.safetensors…); null = models/flickr8k-mobilenetv2.</summary>
    public string? ModelFolder { get; set; }

    /// <summary>
    /// Weights the decoder's steps read at batch 1 with at most 4 rows (greedy, beam ≤ 4): Float32, Float16 or Int8
    /// (faster, rounds weights; see the model card); null = the model's own (Float16 for the shipped F16 file).
    /// </summary>
    public DecoderWeightPrecision? DecoderPrecision { get; set; }

    /// <summary>Largest accepted upload in bytes (the encoded file, not the decoded bitmap).</summary>
    public long MaxUploadBytes { get; set; } = 10L * 1024 * 1024;

    /// <summary>Largest accepted width × height, checked on the header before any pixel is decoded.</summary>
    public long MaxPixels { get; set; } = 40_000_000;

    /// <summary>Longest accepted side in pixels, checked on the header.</summary>
    public int MaxSide { get; set; } = 16384;

    /// <summary>Captions computed at once; 0 = one per logical core (each caption is CPU-bound).</summary>
    public int ConcurrencyLimit { get; set; }

    /// <summary>
    /// ONNX Runtime threads inside one encoder call (0 = its default, one per core). Requests already run in
    /// parallel up to <see cref="ConcurrencyLimit"/>, so more threads per call only oversubscribe the cores.
    /// </summary>
    public int EncoderThreads { get; set; } = 1;

    /// <summary>Requests that may wait for a free slot; beyond that the API answers 503 with Retry-After.</summary>
    public int QueueLimit { get; set; } = 64;

    /// <summary>Where flagged examples go; null = data/flagged/ in the checkout (git-ignored).</summary>
    public string? FlagFolder { get; set; }

    /// <summary>An extra folder of example images shown after the built-in ones.</summary>
    public string? ExamplesFolder { get; set; }

    /// <summary>Upper bound of the beam width a request may ask for (beam search costs grow linearly).</summary>
    public int MaxBeamWidth { get; set; } = 10;

    /// <summary>Upper bound of the caption length (in words) a request may ask for.</summary>
    public int MaxCaptionLength { get; set; } = 50;

    /// <summary>The effective concurrency limit.</summary>
    public int EffectiveConcurrency => ConcurrencyLimit > 0 ? ConcurrencyLimit : Environment.ProcessorCount;

    /// <summary>The limits an upload is checked against before decoding.</summary>
    public ImageLimits ImageLimits => new(MaxSide, MaxPixels, MaxUploadBytes);

    /// <summary>The first setting that cannot work, as a sentence naming it; null when all are usable.</summary>
    public string? Problem()
    {
        if (MaxUploadBytes <= 0) return $"{SectionName}:MaxUploadBytes must be positive (is {MaxUploadBytes}).";
        if (MaxPixels <= 0) return $"{SectionName}:MaxPixels must be positive (is {MaxPixels}).";
        if (MaxSide <= 0) return $"{SectionName}:MaxSide must be positive (is {MaxSide}).";
        if (ConcurrencyLimit < 0) return $"{SectionName}:ConcurrencyLimit must be 0 (one per core) or positive (is {ConcurrencyLimit}).";
        if (EncoderThreads < 0) return $"{SectionName}:EncoderThreads must be 0 (ONNX Runtime's default) or positive (is {EncoderThreads}).";
        if (QueueLimit < 0) return $"{SectionName}:QueueLimit must not be negative (is {QueueLimit}).";
        if (MaxBeamWidth < 1) return $"{SectionName}:MaxBeamWidth must be at least 1 (is {MaxBeamWidth}).";
        if (MaxCaptionLength < 1) return $"{SectionName}:MaxCaptionLength must be at least 1 (is {MaxCaptionLength}).";
        return null;
    }
}
