using ImageCaptioning.Decoding;

using ImageCaptioning.Tests.Model;

namespace ImageCaptioning.Tests.Decoding;

public class ConsensusRerankerTests
{
    private static GeneratedCaption Caption(string text, double logProbability, bool finished = true)
    {
        var words = text.Split(' ');
        return new GeneratedCaption(text, words, new int[words.Length], logProbability, logProbability, finished, []);
    }

    [Fact]
    public void SimilarityIsCiderDsShapeWithUniformWeights()
    {
        string[] a = "a dog runs".Split(' ');
        // Identical captions: cosine 1 for n = 1..3, n = 4 has no n-grams (left at 0): (1 + 1 + 1 + 0) / 4 × 10.
        Assert.Equal(7.5, ConsensusReranker.Similarity(a, a), 9);
        // "a dog" vs "a cat": unigram cosine 1/2, bigram 0; both have 1 bigram (no length penalty): (0.5 / 4) × 10.
        Assert.Equal(1.25, ConsensusReranker.Similarity(["a", "dog"], ["a", "cat"]), 9);
        Assert.Equal(0.0, ConsensusReranker.Similarity(["a", "dog"], ["two", "birds"]), 9);
    }

    [Fact]
    public void TheCaptionTheOthersAgreeWithWinsOverAnOutlierWithASlightlyHigherLogProbability()
    {
        var nBest = new[]
        {
            Caption("a man in a hat", -2.0),                            // the most probable, but alone in what it says
            Caption("a dog runs on the grass", -3.6),
            Caption("a brown dog runs on the grass", -3.8),
            Caption("a dog is running on the grass", -3.9),
        };
        var reranked = ConsensusReranker.Rerank(nBest, logProbabilityWeight: 10f);
        Assert.Contains("dog", reranked[0].Text);                              // one of the three that agree
        Assert.Equal("a man in a hat", reranked[^1].Text);                     // the outlier goes last
        Assert.Equal(nBest.Length, reranked.Count);
        Assert.Equal(nBest.Select(c => c.Text).Order(), reranked.Select(c => c.Text).Order());   // a reordering, nothing lost
        // With a large λ the log-probability decides: the order by length-normalised log-probability.
        Assert.Equal("a man in a hat", ConsensusReranker.Rerank(nBest, 1000f)[0].Text);
    }

    [Fact]
    public void UnfinishedHypothesesStayBehindAndTooFewToCompareAreLeftAlone()
    {
        var nBest = new[] { Caption("a dog a dog a dog", -1.0, finished: false), Caption("a dog runs", -4.0), Caption("a dog sits", -4.1) };
        var reranked = ConsensusReranker.Rerank(nBest, 10f);
        Assert.False(reranked[^1].Finished);
        var single = new[] { Caption("a dog", -1.0) };
        Assert.Same(single, ConsensusReranker.Rerank(single, 10f));
    }

    [Fact]
    public void TheGeneratorAppliesItToBeamSearchOnly()
    {
        const int Images = 4;
        var model = TestModels.Sharpened(TestModels.RandomModel(5), 4f);
        var generator = model.CreateGenerator();
        var grids = TestModels.RandomGrids(Images, model.Config, 5);
        // Beam: re-ranking on gives exactly the re-ranked order of the beam's own n-best list (re-ranking off).
        // λ = 0 (consensus alone) so that the random model's n-best lists really get reordered.
        var plain = generator.Generate(grids, Images, new DecodingOptions { BeamWidth = 5, NBest = 5, MaxLength = 12, ConsensusRerank = false });
        var reranked = generator.Generate(grids, Images, new DecodingOptions { BeamWidth = 5, NBest = 5, MaxLength = 12, ConsensusRerank = true, ConsensusLogProbabilityWeight = 0f });
        bool reordered = false;
        for (int i = 0; i < Images; i++)
        {
            var expected = ConsensusReranker.Rerank(plain[i], 0f);
            Assert.Equal(expected.Select(c => c.Text), reranked[i].Select(c => c.Text));
            reordered |= !expected.Select(c => c.Text).SequenceEqual(plain[i].Select(c => c.Text));
        }
        Assert.True(reordered, "the fixture should give an n-best list that re-ranking reorders, or this test proves nothing");

        // Greedy and sampling: the same captions in the same order with re-ranking on or off.
        foreach (var method in new[] { DecodingMethod.Greedy, DecodingMethod.Sample })
        {
            var off = generator.Generate(grids, Images, new DecodingOptions { Method = method, NBest = 5, MaxLength = 12, Seed = 7, ConsensusRerank = false });
            var on = generator.Generate(grids, Images, new DecodingOptions { Method = method, NBest = 5, MaxLength = 12, Seed = 7, ConsensusRerank = true, ConsensusLogProbabilityWeight = 0f });
            for (int i = 0; i < Images; i++)
                Assert.Equal(off[i].Select(c => c.Text), on[i].Select(c => c.Text));
        }
        // ...and the samples are a list re-ranking would have reordered, so the check above can fail.
        var samples = generator.Generate(grids, Images, new DecodingOptions { Method = DecodingMethod.Sample, NBest = 5, MaxLength = 12, Seed = 7, ConsensusRerank = false });
        Assert.Contains(samples, list => !ConsensusReranker.Rerank(list, 0f).Select(c => c.Text).SequenceEqual(list.Select(c => c.Text)));
        Assert.Throws<InvalidDecodingOptionsException>(() => generator.Generate(grids, 2, new DecodingOptions { ConsensusRerank = true, ConsensusLogProbabilityWeight = -1f }));
    }
}
