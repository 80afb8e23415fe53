namespace ImageCaptioning.Web.Tests.Infrastructure;

/// <summary>The test classes that share one running app (<see cref="ApiFixture"/>): starting it once keeps the suite fast.</summary>
[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<SharedApiFixture>
{
    public const string Name = "Web API";
}

/// <summary>
/// The shared app; its user examples folder holds a copy of a built-in photo and a new one, and its Flickr8k folder is
/// a small fake one (<see cref="FakeFlickr8k"/>), so the random test photo can be checked image by image.
/// </summary>
public sealed class SharedApiFixture : ApiFixture
{
    public const string UserExampleFileName = "My Photo.png";
    public const string UserExampleId = "user-my-photo";

    public string Flickr8kFolder => Path.Combine(Path.GetDirectoryName(ExamplesFolder)!, "flickr8k");

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
        [new(CaptionAppFactory.Key("Flickr8kFolder"), Flickr8kFolder)];

    protected override void PrepareExamples(string folder)
    {
        FakeFlickr8k.Write(Flickr8kFolder);
        // The same bytes as the built-in cat: must be shown once, not twice.
        File.Copy(Path.Combine(AppContext.BaseDirectory, "wwwroot", "examples", "chelsea.png"), Path.Combine(folder, "chelsea-copy.png"));
        File.WriteAllBytes(Path.Combine(folder, UserExampleFileName), TestImages.Png(64, 48));
        File.WriteAllBytes(Path.Combine(folder, "broken.png"), TestImages.RandomBytes(100)); // not an image: left out
    }
}
