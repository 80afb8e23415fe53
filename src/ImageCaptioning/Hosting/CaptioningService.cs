using ImageCaptioning.Captioning;
using ImageCaptioning.Configuration;
using ImageCaptioning.Decoding;
using ImageCaptioning.Imaging;
using Microsoft.Extensions.Options;

namespace ImageCaptioning.Hosting;

/// <summary>
/// <see cref="ICaptioningService"/>: loads the <see cref="Captioner"/> once, on first use. The load itself is not tied to
/// the first caller's token (one cancelled request must not fail the model for everyone); each caller's wait is.
/// </summary>
internal sealed class CaptioningService(IOptions<ImageCaptioningOptions> options) : ICaptioningService, IDisposable
{
    private readonly Lazy<Task<Captioner>> _captioner = new(() => LoadAsync(options.Value), LazyThreadSafetyMode.ExecutionAndPublication);

    public async Task<CaptionResult> CaptionAsync(ValidatedImage image, DecodingOptions? options = null, CancellationToken ct = default) =>
        await (await GetCaptionerAsync(ct)).CaptionAsync(image, options, ct);

    public async Task<CaptionResult> CaptionAsync(string imagePath, DecodingOptions? options = null, CancellationToken ct = default) =>
        await (await GetCaptionerAsync(ct)).CaptionAsync(imagePath, options, ct);

    public async Task<CaptionResult> CaptionAsync(Stream image, DecodingOptions? options = null, CancellationToken ct = default) =>
        await (await GetCaptionerAsync(ct)).CaptionAsync(image, options, ct);

    public Task<Captioner> GetCaptionerAsync(CancellationToken ct = default) => _captioner.Value.WaitAsync(ct);

    /// <summary>The paths the service uses: the environment's, with the options' folders in front.</summary>
    internal static CaptioningPaths Paths(ImageCaptioningOptions settings)
    {
        var paths = CaptioningPaths.FromEnvironment();
        return paths with
        {
            ModelSourceDirectory = settings.ModelsDirectory ?? paths.ModelSourceDirectory,
            ModelCacheDirectory = settings.ModelCacheDirectory ?? paths.ModelCacheDirectory,
        };
    }

    private static Task<Captioner> LoadAsync(ImageCaptioningOptions settings) =>
        Captioner.CreateAsync(Paths(settings), settings.ModelFolder, settings.DecoderPrecision, CancellationToken.None);

    public void Dispose()
    {
        if (_captioner.IsValueCreated && _captioner.Value.IsCompletedSuccessfully)
            _captioner.Value.Result.Dispose();
    }
}
