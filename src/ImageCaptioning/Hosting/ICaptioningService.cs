using ImageCaptioning.Captioning;
using ImageCaptioning.Decoding;
using ImageCaptioning.Imaging;

namespace ImageCaptioning.Hosting;

/// <summary>
/// Image captioning as a service (registered by <c>AddImageCaptioning</c>): the model loads once, on first use,
/// and is shared by every caller. Thread-safe.
/// </summary>
public interface ICaptioningService
{
    /// <summary>Captions an image already read and checked once (the path every other overload takes).</summary>
    Task<CaptionResult> CaptionAsync(ValidatedImage image, DecodingOptions? options = null, CancellationToken ct = default);

    /// <summary>Captions an image file; <paramref name="ct"/> cancels the wait for the model and the captioning itself.</summary>
    Task<CaptionResult> CaptionAsync(string imagePath, DecodingOptions? options = null, CancellationToken ct = default);

    /// <summary>Captions an image read from a stream (e.g. an upload).</summary>
    Task<CaptionResult> CaptionAsync(Stream image, DecodingOptions? options = null, CancellationToken ct = default);

    /// <summary>The loaded captioner (loading it first if needed), for the lower-level API.</summary>
    Task<Captioner> GetCaptionerAsync(CancellationToken ct = default);
}
