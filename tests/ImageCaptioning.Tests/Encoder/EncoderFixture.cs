using ImageCaptioning.Encoder;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.Encoder;

/// <summary>
/// One real encoder shared by the tests of a class. It derives its feature model into a fresh
/// temporary cache, so the derivation itself runs in every test session. Creation is lazy so a
/// test still skips (or fails in CI) cleanly when the model folder is not configured.
/// </summary>
public sealed class EncoderFixture : IDisposable
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), $"encoder-cache-{Guid.NewGuid():N}");
    private readonly Lazy<ImageEncoder> _encoder;

    public EncoderFixture()
    {
        _encoder = new Lazy<ImageEncoder>(() => ImageEncoder.CreateAsync(
            TestData.Paths with { ModelCacheDirectory = _cache },
            new EncoderOptions { IntraOpThreads = 1 }).GetAwaiter().GetResult());
    }

    public ImageEncoder Encoder
    {
        get
        {
            TestData.ModelsDirectory(); // skips (or fails under IMAGECAPTIONING_REQUIRE_DATA=1) when absent
            return _encoder.Value;
        }
    }

    public string CacheDirectory => _cache;

    /// <summary>A Flickr8k image by id, skipping when Flickr8k is not configured.</summary>
    public static string Flickr8kImage(string id) => Path.Combine(TestData.Flickr8kDirectory(), "images", id + ".jpg");

    /// <summary>Two dogs on a road ("A black dog and a spotted dog are fighting").</summary>
    public const string DogsImage = "1001773457_577c3a7d70";

    public void Dispose()
    {
        if (_encoder.IsValueCreated)
            _encoder.Value.Dispose();
        if (Directory.Exists(_cache))
            Directory.Delete(_cache, recursive: true);
    }
}
