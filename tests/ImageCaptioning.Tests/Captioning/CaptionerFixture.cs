using ImageCaptioning.Captioning;
using ImageCaptioning.ModelFolder;
using ImageCaptioning.Tests.Model;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.Captioning;

/// <summary>
/// A real encoder with a small random decoder that reads its 49×1280 grid, saved as a model folder in a temporary
/// directory (the trained model may not exist yet). Created lazily so tests skip cleanly without the data.
/// </summary>
public sealed class CaptionerFixture : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"captioner-{Guid.NewGuid():N}");
    private readonly Lazy<Captioner> _captioner;

    public CaptionerFixture()
    {
        ModelFolder = Path.Combine(_root, "random-model");
        RandomModel(seed: 21).Save(ModelFolder);
        _captioner = new Lazy<Captioner>(() => Captioner.CreateAsync(
            TestData.Paths with { ModelCacheDirectory = Path.Combine(_root, "cache") }, ModelFolder).GetAwaiter().GetResult());
    }

    /// <summary>A random decoder for the real encoder's grid (P = 49, E = 1280), sharpened so captions vary and some end.</summary>
    public static DecoderModel RandomModel(int seed) =>
        TestModels.Sharpened(TestModels.RandomModel(seed, TestModels.TinyConfig(encoderDim: 1280)), 3f);

    public string ModelFolder { get; }

    /// <summary>A folder that is deleted with the fixture.</summary>
    public string ScratchFolder => Directory.CreateDirectory(Path.Combine(_root, "scratch")).FullName;

    public Captioner Captioner
    {
        get
        {
            TestData.ModelsDirectory(); // skips (or fails under IMAGECAPTIONING_REQUIRE_DATA=1) when absent
            return _captioner.Value;
        }
    }

    /// <summary>Flickr8k image files (skips when Flickr8k is not configured).</summary>
    public static string Flickr8kImage(string id) => Path.Combine(TestData.Flickr8kDirectory(), "images", id + ".jpg");

    public static readonly string[] SomeImages = ["1001773457_577c3a7d70", "1000268201_693b08cb0e", "1002674143_1b742ab4b8", "101654506_8eb26cfb60"];

    public void Dispose()
    {
        if (_captioner.IsValueCreated) _captioner.Value.Dispose();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
