using ImageCaptioning.Data;
using ImageCaptioning.Training;

namespace ImageCaptioning.Tests.Training;

public class MirroredBatchTests
{
    private static (TrainingSet Set, Vocabulary Vocabulary) Set()
    {
        var captions = new Dictionary<string, IReadOnlyList<string>>();
        var grids = new Dictionary<string, float[]>();
        var mirrored = new Dictionary<string, float[]>();
        for (int i = 0; i < 20; i++)
        {
            string name = $"img{i:D2}.jpg";
            captions[name] = ["a dog runs to the left", "a dog turns right"];
            grids[name] = Enumerable.Repeat((float)i, 8).ToArray();
            mirrored[name] = Enumerable.Repeat(-(float)i - 1, 8).ToArray();   // negative: easy to tell apart
        }
        var vocabulary = Vocabulary.Build(captions.Values.SelectMany(c => c).Select(CaptionTokenizer.Tokenize), minCount: 1);
        var set = TrainingSet.Create(captions.Keys.ToList(), captions, vocabulary, new InMemoryGridSource(grids, 2, 4), maxWords: 20)
            .WithMirroredGrids(new InMemoryGridSource(mirrored, 2, 4));
        return (set, vocabulary);
    }

    [Fact]
    public void AboutHalfTheCaptionsReadTheMirroredImageWithLeftAndRightSwapped()
    {
        var (set, vocabulary) = Set();
        var sampler = new BatchSampler(set, batchSize: 40, seed: 9);
        var batch = sampler.Batch(sampler.EpochOrder(0), 0, epoch: 0);
        int width = batch.MaxSteps + 1, mirroredCount = 0;
        for (int b = 0; b < batch.Size; b++)
        {
            bool mirrored = batch.Grids[b * 8] < 0;
            Assert.Equal(mirrored, batch.Images[b].EndsWith("(mirrored)", StringComparison.Ordinal));
            string text = vocabulary.Decode(batch.Tokens.Skip(b * width).Take(width).ToArray());
            if (mirrored)
            {
                mirroredCount++;
                Assert.True(text is "a dog runs to the right" or "a dog turns left", text);
            }
            else
                Assert.True(text is "a dog runs to the left" or "a dog turns right", text);
        }
        Assert.InRange(mirroredCount, 10, 30);
        // The same (seed, epoch) gives the same choices (resume); another epoch other ones.
        float[] first = batch.Grids[..(40 * 8)];                                   // the sampler reuses its grid buffer
        Assert.Equal(first, sampler.Batch(sampler.EpochOrder(0), 0, epoch: 0).Grids[..(40 * 8)]);
        Assert.NotEqual(first, sampler.Batch(sampler.EpochOrder(0), 0, epoch: 1).Grids[..(40 * 8)]);
    }

    [Fact]
    public void AMirroredCacheMissingAnImageIsAClearError()
    {
        var (set, vocabulary) = Set();
        var partial = new InMemoryGridSource(new Dictionary<string, float[]> { ["img00.jpg"] = new float[8] }, 2, 4);
        var ex = Assert.Throws<ImageCaptioning.Errors.ImageCaptioningException>(() => set.WithMirroredGrids(partial));
        Assert.Contains("extract --mirror", ex.Message);
    }
}
