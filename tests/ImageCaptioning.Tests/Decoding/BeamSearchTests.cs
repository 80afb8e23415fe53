using ImageCaptioning.Data;
using ImageCaptioning.Decoding;
using ImageCaptioning.Model;

using ImageCaptioning.Tests.Model;

namespace ImageCaptioning.Tests.Decoding;

/// <summary>Beam search and greedy decoding against each other, against teacher forcing, and on forced decoders.</summary>
public sealed class BeamSearchTests
{
    private const int Images = 6;

    [Fact]
    public void BeamOfWidthOneIsGreedy()
    {
        int finished = 0, cutOff = 0;
        foreach (int seed in new[] { 1, 2, 3, 4 })
        {
            var model = TestModels.Sharpened(TestModels.RandomModel(seed), 4f);
            var grids = TestModels.RandomGrids(Images, model.Config, seed);
            var generator = model.CreateGenerator();

            var greedy = generator.Generate(grids, Images, new DecodingOptions { Method = DecodingMethod.Greedy, MaxLength = 12 });
            var beam = generator.Generate(grids, Images, new DecodingOptions { Method = DecodingMethod.Beam, BeamWidth = 1, MaxLength = 12 });

            for (int i = 0; i < Images; i++)
            {
                Assert.Single(greedy[i]);
                Assert.Single(beam[i]);
                Assert.Equal(greedy[i][0].TokenIds, beam[i][0].TokenIds);
                Assert.Equal(greedy[i][0].Finished, beam[i][0].Finished);
                Assert.Equal(greedy[i][0].LogProbability, beam[i][0].LogProbability, 1e-9);
                if (greedy[i][0].Finished) finished++; else cutOff++;
            }
        }
        // The comparison covered both captions that end (the beam stops early) and captions cut off at the maximum length.
        Assert.True(finished > 0 && cutOff > 0, $"{finished} finished, {cutOff} cut off");
    }

    [Fact]
    public void SomeGreedyCaptionsRunToTheMaximumLength()
    {
        var model = TestModels.RandomModel(7); // nearly uniform: <end> (1 in 9 allowed words) rarely wins at all
        var generator = model.CreateGenerator();
        var greedy = generator.Generate(TestModels.RandomGrids(Images, model.Config, 7), Images,
            new DecodingOptions { Method = DecodingMethod.Greedy, MaxLength = 12 });
        Assert.Contains(greedy, g => !g[0].Finished && g[0].Words.Count == 12);
    }

    [Theory]
    [InlineData(DecodingMethod.Greedy, 0f)]
    [InlineData(DecodingMethod.Beam, 0f)]
    [InlineData(DecodingMethod.Beam, 0.7f)]
    [InlineData(DecodingMethod.Sample, 0f)]
    public void LogProbabilitiesAndAttentionMatchTeacherForcing(DecodingMethod method, float lengthPenalty)
    {
        var model = TestModels.Sharpened(TestModels.RandomModel(11), 3f);
        var grids = TestModels.RandomGrids(Images, model.Config, 11);
        var options = new DecodingOptions { Method = method, BeamWidth = 4, NBest = 4, MaxLength = 10, LengthPenalty = lengthPenalty, Seed = 5 };
        var results = model.CreateGenerator().Generate(grids, Images, options);

        int gridFloats = model.Config.Positions * model.Config.EncoderDim;
        for (int i = 0; i < Images; i++)
        {
            foreach (var caption in results[i])
            {
                var (logp, attention) = TeacherForcing.Score(model.CreateDecoder(), grids.AsSpan(i * gridFloats, gridFloats), caption.TokenIds, caption.Finished);
                Assert.Equal(logp, caption.LogProbability, 1e-4);
                int length = caption.Words.Count + (caption.Finished ? 1 : 0);
                Assert.Equal(caption.LogProbability / Math.Pow(length, lengthPenalty), caption.Score, 1e-9);
                Assert.Equal(caption.Words.Count, caption.Attention.Count);
                for (int t = 0; t < attention.Length; t++)
                    for (int p = 0; p < attention[t].Length; p++)
                        Assert.Equal(attention[t][p], caption.Attention[t][p], 1e-5f);
            }
        }
    }

    [Fact]
    public void AttentionMapsAreDistributionsOverTheGrid()
    {
        var model = TestModels.RandomModel(3);
        var results = model.CreateGenerator().Generate(TestModels.RandomGrids(Images, model.Config, 3), Images, new DecodingOptions());
        Assert.Contains(results.SelectMany(r => r), c => c.Words.Count > 0);
        foreach (var caption in results.SelectMany(r => r))
        {
            Assert.Equal(caption.Words.Count, caption.Attention.Count);
            foreach (float[] map in caption.Attention)
            {
                Assert.Equal(49, map.Length);
                Assert.All(map, a => Assert.InRange(a, 0f, 1f));
                Assert.Equal(1.0, map.Sum(a => (double)a), 1e-5);
            }
        }
    }

    [Fact]
    public void NBestListIsSortedAndDistinct()
    {
        var model = TestModels.Sharpened(TestModels.RandomModel(5), 4f);
        var grids = TestModels.RandomGrids(Images, model.Config, 5);
        var generator = model.CreateGenerator();
        var beam = generator.Generate(grids, Images, new DecodingOptions { BeamWidth = 5, NBest = 5, MaxLength = 12, ConsensusRerank = false });

        for (int i = 0; i < Images; i++)
        {
            var list = beam[i];
            Assert.InRange(list.Count, 1, 5);
            for (int k = 1; k < list.Count; k++)
                Assert.True(list[k - 1].Score >= list[k].Score, $"image {i}: n-best not sorted at {k}");
            Assert.Equal(list.Count, list.Select(c => string.Join(',', c.TokenIds)).Distinct().Count());
            Assert.All(list, c => Assert.Equal(list[0].Finished, c.Finished)); // finished ones, or (none finished) cut-off ones
        }
        Assert.Contains(beam, list => list.Count > 1);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.8f)]
    [InlineData(2f)]
    public void WideEnoughBeamFindsTheExactNBest(float lengthPenalty)
    {
        // Two words (w4, w5) and at most 3 of them + <end>: 15 possible captions. A beam of 32 never prunes, so its
        // n-best must be the true top 5 by score — which also checks that stopping early never drops a better caption.
        var model = TestModels.Sharpened(TestModels.RandomModel(13, TestModels.TinyConfig(vocabularySize: 6)), 2f);
        var grid = TestModels.RandomGrids(1, model.Config, 13);
        var options = new DecodingOptions { BeamWidth = 32, NBest = 5, MaxLength = 4, LengthPenalty = lengthPenalty, ConsensusRerank = false };
        var beam = model.CreateGenerator().Generate(grid, options);

        var all = new List<(int[] Words, double Score)>();
        for (int length = 0; length <= 3; length++)
            for (int bits = 0; bits < 1 << length; bits++)
            {
                int[] words = [.. Enumerable.Range(0, length).Select(i => 4 + ((bits >> i) & 1))];
                double logp = TeacherForcing.Score(model.CreateDecoder(), grid, words, finished: true).LogProbability;
                all.Add((words, logp / Math.Pow(length + 1, lengthPenalty)));
            }
        var expected = all.OrderByDescending(c => c.Score).Take(5).ToList();
        Assert.Equal(expected.Select(c => string.Join(' ', c.Words)), beam.Select(c => string.Join(' ', c.TokenIds)));
        for (int k = 0; k < 5; k++)
            Assert.Equal(expected[k].Score, beam[k].Score, 1e-4);
    }

    [Fact]
    public void NBestIsCappedByTheBeamWidth()
    {
        var model = TestModels.Sharpened(TestModels.RandomModel(5), 4f);
        var results = model.CreateGenerator().Generate(TestModels.RandomGrids(Images, model.Config, 5), Images,
            new DecodingOptions { BeamWidth = 2, NBest = 10 });
        Assert.All(results, list => Assert.InRange(list.Count, 1, 2));
    }

    [Fact]
    public void ForcedDecoderProducesTheKnownSentence()
    {
        // <start> → w4 → w5 → w6 → w7 → <end>
        var next = new Dictionary<int, int> { [Vocabulary.StartId] = 4, [4] = 5, [5] = 6, [6] = 7, [7] = Vocabulary.EndId };
        var model = TestModels.Forced(next);
        var grid = TestModels.RandomGrids(1, model.Config, 1);
        double stepLogp = 20 - Math.Log(Math.Exp(20) + (model.Config.VocabSize - 1)); // logit 20 for one word, 0 for the rest

        foreach (var options in new[]
        {
            new DecodingOptions { Method = DecodingMethod.Greedy },
            new DecodingOptions { BeamWidth = 3 },
            new DecodingOptions { Method = DecodingMethod.Sample, Seed = 1 },
        })
        {
            var best = model.CreateGenerator().Generate(grid, options)[0];
            Assert.Equal("w4 w5 w6 w7", best.Text);
            Assert.Equal([4, 5, 6, 7], best.TokenIds);
            Assert.True(best.Finished);
            Assert.Equal(5 * stepLogp, best.LogProbability, 1e-4);
            Assert.All(best.Attention, map => Assert.All(map, a => Assert.Equal(1f / 49, a, 1e-6f))); // all scores 0 → uniform
        }
    }

    [Fact]
    public void UnknownPadAndStartAreNeverGenerated()
    {
        // The model strongly prefers <unk>, <pad> and <start> after w4/w5/w6; w9 is second best everywhere.
        var next = new Dictionary<int, int>
        {
            [Vocabulary.StartId] = 4, [4] = Vocabulary.UnknownId, [5] = Vocabulary.PadId, [6] = Vocabulary.StartId, [9] = Vocabulary.EndId,
        };
        var model = TestModels.Forced(next, outputBias: new Dictionary<int, float> { [9] = 1f });
        var grid = TestModels.RandomGrids(1, model.Config, 1);
        foreach (var method in Enum.GetValues<DecodingMethod>())
        {
            var captions = model.CreateGenerator().Generate(grid, new DecodingOptions { Method = method, Seed = 3, NBest = 3 });
            foreach (var caption in captions)
                Assert.DoesNotContain(caption.TokenIds, id => id is Vocabulary.UnknownId or Vocabulary.PadId or Vocabulary.StartId);
            if (method == DecodingMethod.Greedy)
                Assert.Equal("w4 w9", captions[0].Text); // the best allowed word after w4 is w9
        }
    }

    [Fact]
    public void RepeatedTrigramsAreBlockedSoALoopCannotRun()
    {
        // The model loops w4 → w5 → w6 → w4 …; its second choice everywhere is w9, and w9 → <end>.
        var next = new Dictionary<int, int> { [Vocabulary.StartId] = 4, [4] = 5, [5] = 6, [6] = 4, [9] = Vocabulary.EndId };
        var model = TestModels.Forced(next, outputBias: new Dictionary<int, float> { [9] = 1f });
        var grid = TestModels.RandomGrids(1, model.Config, 1);

        var greedy = new DecodingOptions { Method = DecodingMethod.Greedy, MaxLength = 9 };
        Assert.Equal("w4 w5 w6 w4 w5 w6 w4 w5 w6", model.CreateGenerator().Generate(grid, greedy with { NoRepeatNGramSize = 0 })[0].Text);
        var blocked = model.CreateGenerator().Generate(grid, greedy)[0];
        Assert.Equal("w4 w5 w6 w4 w5 w9", blocked.Text);   // "w4 w5 w6" may not occur twice: w9, then <end>
        Assert.True(blocked.Finished);

        // Beam search with a wide beam explores the loop too: no caption it returns repeats a trigram.
        foreach (var caption in model.CreateGenerator().Generate(grid, new DecodingOptions { BeamWidth = 5, NBest = 5, MaxLength = 12 }))
        {
            var trigrams = caption.TokenIds.Zip(caption.TokenIds.Skip(1), caption.TokenIds.Skip(2)).ToList();
            Assert.Equal(trigrams.Count, trigrams.Distinct().Count());
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void ANoRepeatSizeOfOneOrLessIsRejected(int size) =>
        Assert.Throws<InvalidDecodingOptionsException>(() => new DecodingOptions { NoRepeatNGramSize = size });

    [Fact]
    public void StopsAtTheMaximumLengthWhenEndNeverWins()
    {
        // A cycle w4 → w5 → … → w11 → w4, and <end> far less likely than any word, so it never enters a beam.
        var next = new Dictionary<int, int> { [Vocabulary.StartId] = 4 };
        for (int w = 4; w < 12; w++) next[w] = w == 11 ? 4 : w + 1;
        var model = TestModels.Forced(next, outputBias: new Dictionary<int, float> { [Vocabulary.EndId] = -30f });
        var grid = TestModels.RandomGrids(1, model.Config, 1);
        foreach (var method in Enum.GetValues<DecodingMethod>())
        {
            var captions = model.CreateGenerator().Generate(grid, new DecodingOptions { Method = method, MaxLength = 7, Seed = 2 });
            Assert.NotEmpty(captions);
            Assert.All(captions, c =>
            {
                Assert.False(c.Finished);
                Assert.Equal(7, c.Words.Count);
                Assert.Equal(7, c.Attention.Count);
            });
            Assert.Equal("w4 w5 w6 w7 w8 w9 w10", captions[0].Text);
        }
    }

    [Fact]
    public void BatchedImagesDecodeAsEachAlone()
    {
        var model = TestModels.Sharpened(TestModels.RandomModel(9), 3f);
        var grids = TestModels.RandomGrids(Images, model.Config, 9);
        var generator = model.CreateGenerator();
        var options = new DecodingOptions { BeamWidth = 3, MaxLength = 10 };
        var together = generator.Generate(grids, Images, options);
        int gridFloats = model.Config.Positions * model.Config.EncoderDim;
        for (int i = 0; i < Images; i++)
        {
            var alone = generator.Generate(grids.AsSpan(i * gridFloats, gridFloats), options);
            Assert.Equal(alone.Select(c => c.Text), together[i].Select(c => c.Text));
            Assert.Equal(alone[0].LogProbability, together[i][0].LogProbability, 1e-4);
        }
    }

    [Fact]
    public void MoreImagesThanOneChunkKeepTheirOrder()
    {
        var model = TestModels.RandomModel(4);
        int images = CaptionGenerator.ImagesPerChunk + 3;
        var grids = TestModels.RandomGrids(images, model.Config, 4);
        var generator = model.CreateGenerator();
        var options = new DecodingOptions { Method = DecodingMethod.Greedy, MaxLength = 6 };
        var all = generator.Generate(grids, images, options);
        int gridFloats = model.Config.Positions * model.Config.EncoderDim;
        Assert.Equal(images, all.Count);
        foreach (int i in new[] { 0, CaptionGenerator.ImagesPerChunk - 1, CaptionGenerator.ImagesPerChunk, images - 1 })
            Assert.Equal(generator.Generate(grids.AsSpan(i * gridFloats, gridFloats), options)[0].Text, all[i][0].Text);
    }

    [Theory]
    [InlineData(0, 20, 3)]
    [InlineData(3, 0, 3)]
    [InlineData(3, 20, 0)]
    [InlineData(DecodingOptions.MaxBeamWidth + 1, 20, 3)]
    public void OutOfRangeOptionsAreRejected(int beam, int maxLength, int nbest)
    {
        var model = TestModels.RandomModel(1);
        var ex = Assert.Throws<InvalidDecodingOptionsException>(() => model.CreateGenerator().Generate(
            TestModels.RandomGrids(1, model.Config, 1), new DecodingOptions { BeamWidth = beam, MaxLength = maxLength, NBest = nbest }));
        Assert.Matches("must be between", ex.Message);
    }

    [Fact]
    public void GeneratorRefusesAVocabularyOfAnotherSize()
    {
        var model = TestModels.RandomModel(1);
        var ex = Assert.Throws<ModelFormatException>(() => new CaptionGenerator(model.CreateDecoder(), TestModels.Vocabulary(10)));
        Assert.Contains("10 tokens", ex.Message);
    }
}
