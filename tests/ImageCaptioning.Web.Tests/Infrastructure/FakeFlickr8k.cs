namespace ImageCaptioning.Web.Tests.Infrastructure;

/// <summary>
/// A Flickr8k folder in miniature (images, token file, the three split files) for the gallery's random test photo:
/// two training images, one dev image and two test images, all distinct JPEGs.
/// </summary>
public static class FakeFlickr8k
{
    public static IReadOnlyList<string> Train { get; } = ["1000_train.jpg", "1001_train.jpg"];
    public static IReadOnlyList<string> Dev { get; } = ["2000_dev.jpg"];
    public static IReadOnlyList<string> Test { get; } = ["3000_test.jpg", "3001_test.jpg"];

    public static void Write(string folder)
    {
        string images = Path.Combine(folder, "images");
        Directory.CreateDirectory(images);
        var all = Train.Concat(Dev).Concat(Test).ToList();
        for (int i = 0; i < all.Count; i++)
            File.WriteAllBytes(Path.Combine(images, all[i]), TestImages.Jpeg(64 + 8 * i, 48));
        File.WriteAllLines(Path.Combine(folder, "Flickr8k.token.txt"),
            all.SelectMany(name => Enumerable.Range(0, 5).Select(k => $"{name}#{k}\ta photo called {Path.GetFileNameWithoutExtension(name)} .")));
        File.WriteAllLines(Path.Combine(folder, "Flickr_8k.trainImages.txt"), Train);
        File.WriteAllLines(Path.Combine(folder, "Flickr_8k.devImages.txt"), Dev);
        File.WriteAllLines(Path.Combine(folder, "Flickr_8k.testImages.txt"), Test);
    }
}
