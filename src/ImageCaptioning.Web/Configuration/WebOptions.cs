using ImageCaptioning.Imaging;
using ImageCaptioning.Model;

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
    /// Weights the decoder's steps read: Int8 (int8 products, faster, approximate), Float16 (steps of at most
    /// <see cref="AttentionDecoder.CompactWeightsMaxRows"/> rows: greedy, beam ≤ 8) or Float32; null = the model's own
    /// (its config.json's step_weights: Int8 for the shipped model).
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

    /// <summary>
    /// Most waiting requests with the same decoding options captioned together in one pass when a slot frees
    /// (<see cref="Queue.CaptionBatcher"/>); 1 = every request alone. A caption is the same either way.
    /// </summary>
    public int MaxBatch { get; set; } = 8;

    /// <summary>
    /// Where flagged examples go; null = <see cref="DefaultFlagFolder"/>, the user's data folder
    /// ($XDG_DATA_HOME or ~/.local/share)/ImageCaptioning/flagged, outside the checkout.
    /// </summary>
    public string? FlagFolder { get; set; }

    /// <summary>Most bytes the flag folder may hold (images plus log); once full, flags get 507.</summary>
    public long FlagQuotaBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Flags one client (IP address) may send per minute; beyond that, 429 with Retry-After.</summary>
    public int FlagRequestsPerMinute { get; set; } = 10;

    /// <summary>
    /// Other origins (e.g. <c>https://example.org</c>) whose pages may POST captions and flags; a browser request
    /// from any other site is refused with 403. Empty = same origin only.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Seconds a request body may take to arrive in full; a slower upload gets 408 (it never holds a caption slot).</summary>
    public double BodyTimeoutSeconds { get; set; } = 30;

    /// <summary>Kestrel's minimum request body data rate in bytes per second, after a 5 s grace period; slower uploads are dropped.</summary>
    public double MinBodyBytesPerSecond { get; set; } = 1024;

    /// <summary>
    /// Bytes all image decodes may hold at once, estimated from each header (width × height × bytes per pixel);
    /// a decode waits until its share is free, and an image that alone needs more is refused with 413.
    /// </summary>
    public long DecodeMemoryBudgetBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>The flag folder used when none is configured: the user's data folder, outside the checkout.</summary>
    public static string DefaultFlagFolder =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
            "ImageCaptioning", "flagged");

    /// <summary>The flag folder in effect.</summary>
    public string EffectiveFlagFolder => string.IsNullOrWhiteSpace(FlagFolder) ? DefaultFlagFolder : FlagFolder;

    /// <summary>An extra folder of example images shown after the built-in ones.</summary>
    public string? ExamplesFolder { get; set; }

    /// <summary>The Flickr8k folder (<c>IMAGECAPTIONING_FLICKR8K_DIR</c>): when set, the gallery offers a random photo of its test split.</summary>
    public string? Flickr8kFolder { get; set; }

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
        if (MaxBatch is < 1 or > 64) return $"{SectionName}:MaxBatch must be between 1 (no batching) and 64 (is {MaxBatch}).";
        if (MaxBeamWidth < 1) return $"{SectionName}:MaxBeamWidth must be at least 1 (is {MaxBeamWidth}).";
        if (MaxCaptionLength < 1) return $"{SectionName}:MaxCaptionLength must be at least 1 (is {MaxCaptionLength}).";
        if (FlagQuotaBytes < 0) return $"{SectionName}:FlagQuotaBytes must not be negative (is {FlagQuotaBytes}).";
        if (FlagRequestsPerMinute < 1) return $"{SectionName}:FlagRequestsPerMinute must be at least 1 (is {FlagRequestsPerMinute}).";
        if (BodyTimeoutSeconds <= 0) return $"{SectionName}:BodyTimeoutSeconds must be positive (is {BodyTimeoutSeconds}).";
        if (MinBodyBytesPerSecond < 0) return $"{SectionName}:MinBodyBytesPerSecond must not be negative (is {MinBodyBytesPerSecond}; 0 turns the check off).";
        if (DecodeMemoryBudgetBytes < 1024 * 1024) return $"{SectionName}:DecodeMemoryBudgetBytes must be at least 1 MiB (is {DecodeMemoryBudgetBytes}).";
        foreach (string origin in AllowedOrigins)
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.PathAndQuery != "/")
                return $"{SectionName}:AllowedOrigins holds '{origin}', which is not an origin such as https://example.org.";
        return null;
    }
}
