using ImageCaptioning.Cli.Commands.Extract;
using ImageCaptioning.Data;

namespace ImageCaptioning.Tests.Data;

public sealed class ExtractionPlanTests
{
    [Fact]
    public void Flickr8k_plan_has_a_slot_for_every_captioned_image_and_wants_only_the_split()
    {
        using var folder = new TemporaryFolder("plan");
        foreach (string image in new[] { "b.jpg", "a.jpg", "c.jpg" })
            folder.WriteLines(Path.Combine("images", image), "x");
        folder.WriteLines("Flickr8k.token.txt", "c.jpg#0\tC", "a.jpg#0\tA", "b.jpg#0\tB");
        folder.WriteLines("Flickr_8k.devImages.txt", "c.jpg", "a.jpg");
        var dataset = Flickr8kDataset.Load(folder.Path);

        var dev = ExtractionPlan.ForFlickr8k(dataset, "dev");
        Assert.Equal(["a.jpg", "b.jpg", "c.jpg"], dev.SlotNames);
        Assert.Equal(["c.jpg", "a.jpg"], dev.Wanted.Select(i => i.ImageName));
        Assert.Equal(dataset.ImagePath("c.jpg"), dev.Wanted[0].ImagePath);
        Assert.Equal(3, ExtractionPlan.ForFlickr8k(dataset, "all").Wanted.Count);

        string sha = "0123456789" + new string('f', 54);
        Assert.Equal(Path.Combine("/cache", "features-01234567.f16bin"), dev.DefaultOutput("/cache", sha));
    }

    [Fact]
    public void Folder_plan_takes_the_image_files_in_ordinal_order()
    {
        using var folder = new TemporaryFolder("plan");
        foreach (string file in new[] { "b.PNG", "a.jpg", "notes.txt", "c.webp" })
            folder.WriteLines(file, "x");
        var plan = ExtractionPlan.ForFolder(folder.Path);
        Assert.Equal(["a.jpg", "b.PNG", "c.webp"], plan.SlotNames);
        Assert.Equal(plan.SlotNames, plan.Wanted.Select(i => i.ImageName));
        string output = plan.DefaultOutput("/cache", new string('e', 64));
        Assert.Equal(Path.Combine("/cache", "folders"), Path.GetDirectoryName(output));
        Assert.StartsWith("features-eeeeeeee-plan-", Path.GetFileName(output));
    }

    [Fact]
    public void Folder_plan_refuses_a_folder_without_images()
    {
        using var folder = new TemporaryFolder("plan");
        folder.WriteLines("readme.txt", "x");
        Assert.Contains("holds no images", Assert.Throws<ImageCaptioning.Errors.ImageCaptioningException>(() => ExtractionPlan.ForFolder(folder.Path)).Message);
    }
}
