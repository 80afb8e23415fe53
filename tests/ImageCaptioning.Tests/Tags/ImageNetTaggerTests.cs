using ImageCaptioning.Tags;

namespace ImageCaptioning.Tests.Tags;

/// <summary>ImageNetTagger on a hand-made table: sums, groups without double counting, order, floor and sources.</summary>
public sealed class ImageNetTaggerTests
{
    // classes 0, 1: "cat"; 2: "coffee|cup"; 3, 4: "terrier" (both in the dog group with 5, which has no word)
    private static readonly ImageNetTagger Tagger = new(new ImageNetTagTable(
        ImageNetTagTableFileTests.SmallTable((0, ["cat"]), (1, ["cat"]), (2, ["coffee", "cup"]), (3, ["dog", "terrier"]), (4, ["dog"])).Classes,
        [new ClassGroup("dog", "n02084071", [3, 4, 5])]));

    /// <summary>A 1000-class softmax with the given mass on the given classes and the rest spread evenly (shared with TagConstraintsTests).</summary>
    internal static float[] Probabilities(params (int Class, float P)[] mass)
    {
        var p = new float[1000];
        float rest = 1 - mass.Sum(m => m.P);
        for (int i = 0; i < p.Length; i++) p[i] = rest / (p.Length - mass.Length);
        foreach (var (c, v) in mass) p[c] = v;
        return p;
    }

    [Fact]
    public void A_words_probability_is_the_sum_of_its_classes()
    {
        var tags = Tagger.Tag(Probabilities((0, 0.3f), (1, 0.2f), (2, 0.1f)), minProbability: 0.05f);
        Assert.Equal(["cat", "coffee", "cup"], tags.Select(t => t.Word));
        Assert.Equal(0.5f, tags[0].Probability, 1e-4f);
        Assert.Equal(0.1f, tags[1].Probability, 1e-4f);
        Assert.Equal(["class 0", "class 1"], tags[0].SourceClasses.Select(c => c.Label));
    }

    [Fact]
    public void A_group_adds_its_members_once()
    {
        // dog = classes 3 and 4 (table words) ∪ 3, 4, 5 (group): 0.2 + 0.1 + 0.3, class 3 counted once
        var p = Probabilities((3, 0.2f), (4, 0.1f), (5, 0.3f));
        var dog = Tagger.Tag(p).Single(t => t.Word == "dog");
        Assert.Equal(0.6f, dog.Probability, 1e-4f);
        Assert.Equal(["class 5", "class 3", "class 4"], dog.SourceClasses.Select(c => c.Label));
        Assert.Equal(0.6f, Tagger.GroupProbability("dog", p)!.Value, 1e-4f);
        Assert.Equal(0.2f, Tagger.Tag(p).Single(t => t.Word == "terrier").Probability, 1e-4f);
        Assert.Null(Tagger.GroupProbability("cat", p));
    }

    [Fact]
    public void Tags_below_the_floor_are_left_out_and_sources_are_capped()
    {
        var p = Probabilities((0, 0.04f), (1, 0.04f), (3, 0.5f), (4, 0.2f), (5, 0.1f));
        var tags = Tagger.Tag(p, minProbability: 0.1f, sourceCount: 1);
        Assert.Equal(["dog", "terrier"], tags.Select(t => t.Word));
        Assert.Equal("class 3", Assert.Single(tags[0].SourceClasses).Label);
        Assert.Contains(Tagger.Tag(p, minProbability: 0.05f), t => t.Word == "cat"); // 0.08 ≥ 0.05
    }

    [Fact]
    public void Ties_are_broken_alphabetically()
    {
        var tags = Tagger.Tag(Probabilities((2, 0.9f)));
        Assert.Equal(["coffee", "cup"], tags.Take(2).Select(t => t.Word));
    }

    [Fact]
    public void Probabilities_is_a_softmax_and_wrong_lengths_are_refused()
    {
        var logits = new float[1000];
        logits[7] = 10;
        var p = ImageNetTagger.Probabilities(logits);
        Assert.Equal(1f, p.Sum(), 1e-4f);
        Assert.Equal(p.Max(), p[7]);
        Assert.Throws<ArgumentException>(() => ImageNetTagger.Probabilities(new float[10]));
        Assert.Throws<ArgumentException>(() => Tagger.Tag(new float[999]));
    }
}
