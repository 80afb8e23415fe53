using ImageCaptioning.Imaging;
using ImageCaptioning.Subjects;
using ImageCaptioning.Tests.Data;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.Subjects;

/// <summary>The committed dev set (data/subjects): big enough, small files, every photo labelled and permissively licensed.</summary>
public sealed class SubjectDevSetTests
{
    private static readonly string LabelsPath = Path.Combine(TestData.RepositoryRoot(), SubjectLabelsFile.DefaultRelativePath);
    private static readonly HashSet<string> Permissive = new(StringComparer.OrdinalIgnoreCase) { "Public-Domain", "CC0-1.0", "CC-BY-1.0", "CC-BY-2.0", "CC-BY-3.0", "CC-BY-4.0" };

    [Fact]
    public void Holds_at_least_30_labelled_photos_with_dogs_and_without()
    {
        var labels = SubjectLabelsFile.Read(LabelsPath);
        Assert.InRange(labels.Count, 30, 200);
        Assert.Contains(labels, l => l.HasDog);
        Assert.True(labels.Count(l => !l.HasDog) >= 30);
        Assert.Equal(labels.Count, labels.Select(l => l.ImagePath).Distinct().Count());
    }

    [Fact]
    public void Every_photo_exists_is_small_and_has_a_permissive_licence()
    {
        long total = 0;
        foreach (var label in SubjectLabelsFile.Read(LabelsPath))
        {
            Assert.True(File.Exists(label.ImagePath), $"{label.ImagePath} is missing");
            Assert.Contains(label.Licence, Permissive);
            var header = ImageHeaderReader.Read(File.ReadAllBytes(label.ImagePath), label.ImagePath);
            Assert.True(Math.Max(header.Width, header.Height) <= 512, $"{label.ImagePath} is {header.Width}×{header.Height}");
            total += new FileInfo(label.ImagePath).Length;
        }
        Assert.True(total < 4_000_000, $"the photos take {total} bytes");
    }

    [Fact]
    public void A_broken_labels_file_is_a_clear_error()
    {
        using var temp = new TemporaryFolder("subjects");
        string path = temp.WriteLines("labels.tsv", "file\tsubjects\tdog\tlicence", "a.jpg\tcat\tmaybe\tCC0-1.0");
        Assert.Contains("line 2: dog must be 'yes' or 'no'", Assert.Throws<SubjectLabelsException>(() => SubjectLabelsFile.Read(path)).Message);
        path = temp.WriteLines("labels2.tsv", "file\tsubjects\tlicence", "a.jpg\tcat\tCC0-1.0");
        Assert.Contains("no 'dog' column", Assert.Throws<SubjectLabelsException>(() => SubjectLabelsFile.Read(path)).Message);
        path = temp.WriteLines("labels3.tsv", "file\tsubjects\tdog\tlicence", "a.jpg\t|\tno\tCC0-1.0");
        Assert.Contains("no subject word", Assert.Throws<SubjectLabelsException>(() => SubjectLabelsFile.Read(path)).Message);
    }

    [Fact]
    public void Paths_are_relative_to_the_labels_file_and_categories_are_optional()
    {
        using var temp = new TemporaryFolder("subjects");
        string path = temp.WriteLines("set/labels.tsv", "file\tsubjects\tdog\tlicence", "photos/a.jpg\tCat|Kitten\tyes\tCC0-1.0");
        var label = Assert.Single(SubjectLabelsFile.Read(path));
        Assert.Equal(temp.File("set/photos/a.jpg"), label.ImagePath);
        Assert.Equal(["cat", "kitten"], label.Subjects);
        Assert.True(label.HasDog);
        Assert.Empty(label.Categories);
    }
}
