using ImageCaptioning.Encoder;
using ImageCaptioning.Subjects;
using ImageCaptioning.Tags;

namespace ImageCaptioning.Tests.Subjects;

/// <summary>The dev-set arithmetic on hand-made observations.</summary>
public sealed class SubjectEvaluationTests
{
    private static SubjectObservation Photo(string caption, string[] subjects, bool hasDog, float dogP, params (string Word, float P)[] tags) =>
        new(new SubjectLabel("x.jpg", subjects, hasDog, ["animal"], "CC0-1.0"), caption,
            [.. tags.Select(t => new EncoderTag(t.Word, t.P, [new ClassProbability("c", t.P)]))], dogP);

    private static readonly SubjectObservation[] Observations =
    [
        Photo("a cat sits", ["cat"], false, 0.01f, ("cat", 0.95f)),
        Photo("a dog runs", ["pig"], false, 0.02f, ("animal", 0.8f)),
        Photo("a dog runs", ["kangaroo"], false, 0.5f, ("dog", 0.5f)),
        Photo("a dog runs", ["dog"], true, 0.99f, ("dog", 0.99f)),
        Photo("a man stands", ["statue"], false, 0f),
        Photo("two crabs swim", ["crab"], false, 0f, ("crab", 0.99f)),
    ];

    [Fact]
    public void Rates_count_subjects_and_false_dogs()
    {
        var e = new SubjectEvaluation(Observations, [0.5f, 0.9f]);
        Assert.Equal((6, 3, 5, 2), (e.Photos, e.SubjectNamed, e.DogFreePhotos, e.DogInDogFree));
        Assert.Equal(2, e.SubjectNamedExactly); // "crabs" names the crab only with the plural rule
        Assert.Equal(0.5, e.SubjectMentionRate, 6);
        Assert.Equal(0.4, e.DogInDogFreeRate, 6);
    }

    [Fact]
    public void Tag_rows_count_confident_correct_and_right_top_tags()
    {
        var e = new SubjectEvaluation(Observations, [0.5f, 0.9f]);
        // ≥ 0.5: cat ✓, animal (category), dog for the kangaroo ✗, dog ✓, crab ✓; the statue has no tag
        Assert.Equal(new TagThresholdRow(0.5f, 5, 3, 4, 6), e.TagRows[0]);
        Assert.Equal(new TagThresholdRow(0.9f, 3, 3, 3, 6), e.TagRows[1]);
    }

    [Fact]
    public void The_dog_rule_counts_removed_false_dogs_and_forbidden_real_ones()
    {
        var e = new SubjectEvaluation(Observations);
        Assert.Equal(new DogRuleRow(0.05f, 1, 2, 0, 1), e.DogRule([0.05f])[0]);
        Assert.Equal(new DogRuleRow(1f, 2, 2, 1, 1), e.DogRule([1f])[0]);
    }

    [Fact]
    public void Dog_group_calibration_counts_both_errors()
    {
        var c = new DogGroupCalibration([(0.9f, 0.1f, true), (0.01f, 0.8f, true), (0.2f, 0.6f, false), (0.001f, 0.9f, false)]);
        Assert.Equal((2, 2), (c.DogPhotos, c.DogFreePhotos));
        Assert.Equal((1, 1), c.At(0.1f));
        Assert.Equal((1, 1), c.Rule(0.05f, 0.5f));
        Assert.Equal((0, 1), c.Rule(0.05f, 0.85f));
    }
}
