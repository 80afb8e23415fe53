using ImageCaptioning.Data;
using ImageCaptioning.Decoding;
using ImageCaptioning.Tests.Model;

namespace ImageCaptioning.Tests.Decoding;

/// <summary>Guided decoding (constrained beam search) on hand-made and random decoders.</summary>
public sealed class ConstrainedBeamSearchTests
{
    // <start> → w4 → w5 → <end> is the model's caption; w8 is everywhere a weak second choice, w8 → w5.
    private static readonly Dictionary<int, int> Next = new() { [Vocabulary.StartId] = 4, [4] = 5, [5] = Vocabulary.EndId, [8] = 5 };

    private static IReadOnlyList<GeneratedCaption> Generate(Dictionary<int, int> next, CaptionConstraints? constraints,
        DecodingOptions? options = null, Dictionary<int, float>? bias = null)
    {
        var model = TestModels.Forced(next, strength: 10f, outputBias: bias ?? new Dictionary<int, float> { [8] = 2f });
        var grid = TestModels.RandomGrids(1, model.Config, 1);
        return model.CreateGenerator().Generate(grid, 1, options ?? new DecodingOptions { BeamWidth = 3, NBest = 3 }, [constraints])[0];
    }

    [Fact]
    public void A_required_word_the_plain_beam_leaves_out_appears()
    {
        Assert.Equal("w4 w5", Generate(Next, null)[0].Text);
        var best = Generate(Next, new CaptionConstraints(["w8"], []))[0];
        Assert.Contains("w8", best.Words);
        Assert.True(best.Finished);
        Assert.True(best.ConstraintMet);
        Assert.Equal([best.Words.ToList().IndexOf("w8")], best.ConstrainedWordIndices);
    }

    [Fact]
    public void Any_one_of_a_disjunctive_constraint_satisfies_it()
    {
        // w9 is not better than w8 anywhere: the search picks whichever alternative costs least, here w8.
        var best = Generate(Next, new CaptionConstraints(["w9", "w8", "not-a-word"], []))[0];
        Assert.True(best.ConstraintMet);
        Assert.Contains(best.Words, w => w is "w8" or "w9");
    }

    [Fact]
    public void With_the_required_word_already_in_the_caption_nothing_changes()
    {
        var plain = Generate(Next, null);
        var guided = Generate(Next, new CaptionConstraints(["w5"], []));
        Assert.Equal(plain[0].Text, guided[0].Text);
        Assert.Equal(plain[0].LogProbability, guided[0].LogProbability, 1e-9);
        Assert.True(guided[0].ConstraintMet);
        Assert.Equal([1], guided[0].ConstrainedWordIndices);
    }

    [Fact]
    public void An_impossible_constraint_falls_back_to_the_plain_beam()
    {
        // w10 can never be written: its bias is −∞-like, so no hypothesis in the "met" state ever finishes within 3 words.
        var bias = new Dictionary<int, float> { [8] = 2f, [10] = -1e30f };
        var plain = Generate(Next, null, bias: bias);
        var guided = Generate(Next, new CaptionConstraints(["w10"], []), bias: bias);
        Assert.Equal(plain.Select(c => c.Text), guided.Select(c => c.Text));
        Assert.All(guided, c => Assert.False(c.ConstraintMet));
        Assert.All(guided, c => Assert.Empty(c.ConstrainedWordIndices));
    }

    [Fact]
    public void A_required_word_outside_the_vocabulary_is_no_constraint()
    {
        var plain = Generate(Next, null);
        var guided = Generate(Next, new CaptionConstraints(["giraffe"], []));
        Assert.Equal(plain[0].Text, guided[0].Text);
        Assert.Null(guided[0].ConstraintMet);
    }

    [Fact]
    public void A_forbidden_word_never_appears()
    {
        Assert.Contains("w5", Generate(Next, null)[0].Words);
        foreach (var caption in Generate(Next, new CaptionConstraints([], ["w5"])))
            Assert.DoesNotContain("w5", caption.Words);
    }

    [Fact]
    public void A_word_both_required_and_forbidden_stays_forbidden()
    {
        foreach (var caption in Generate(Next, new CaptionConstraints(["w5"], ["w5"])))
        {
            Assert.DoesNotContain("w5", caption.Words);
            Assert.Null(caption.ConstraintMet);
        }
    }

    [Theory]
    [InlineData(3, 0f)]
    [InlineData(5, 0.7f)]
    public void No_constraints_give_the_plain_beam_search_bit_for_bit(int beam, float lengthPenalty)
    {
        const int images = 5;
        var model = TestModels.Sharpened(TestModels.RandomModel(4), 3f);
        var grids = TestModels.RandomGrids(images, model.Config, 4);
        var options = new DecodingOptions { BeamWidth = beam, NBest = beam, MaxLength = 12, LengthPenalty = lengthPenalty };
        var plain = model.CreateGenerator().Generate(grids, images, options);
        var none = model.CreateGenerator().Generate(grids, images, options,
            [null, CaptionConstraints.None, new CaptionConstraints(["not-a-word"], []), null, new CaptionConstraints([], ["<unk>"])]);
        for (int i = 0; i < images; i++)
            Assert.Equal(plain[i], none[i], (a, b) => a.TokenIds.SequenceEqual(b.TokenIds) && a.LogProbability == b.LogProbability
                && a.Score == b.Score && a.Finished == b.Finished && a.Attention.Zip(b.Attention).All(p => p.First.SequenceEqual(p.Second)));
    }

    /// <summary>
    /// Unconstrained images decoded beside a constrained one get the plain beam's captions (the step then runs on more rows,
    /// so its sums may round differently in the last bits: log-probabilities and attention are compared to 1e-5).
    /// </summary>
    [Theory]
    [InlineData(1, 0f)]
    [InlineData(3, 0f)]
    [InlineData(5, 0.7f)]
    public void Unconstrained_images_beside_a_constrained_one_get_the_plain_captions(int beam, float lengthPenalty)
    {
        const int images = 6;
        foreach (int seed in new[] { 1, 2, 3 })
        {
            var model = TestModels.Sharpened(TestModels.RandomModel(seed), 3f);
            var grids = TestModels.RandomGrids(images, model.Config, seed);
            var options = new DecodingOptions { BeamWidth = beam, NBest = beam, MaxLength = 12, LengthPenalty = lengthPenalty };
            var plain = model.CreateGenerator().Generate(grids, images, options);
            // Image 0 gets a constraint, so the constrained search runs and the other images go through it unconstrained.
            var constraints = new CaptionConstraints?[images];
            constraints[0] = new CaptionConstraints(["w9"], []);
            var guided = model.CreateGenerator().Generate(grids, images, options, constraints);
            for (int i = 1; i < images; i++)
            {
                Assert.Equal(plain[i].Count, guided[i].Count);
                for (int k = 0; k < plain[i].Count; k++)
                {
                    Assert.Equal(plain[i][k].TokenIds, guided[i][k].TokenIds);
                    Assert.Equal(plain[i][k].LogProbability, guided[i][k].LogProbability, 1e-5);
                    Assert.Equal(plain[i][k].Score, guided[i][k].Score, 1e-5);
                    Assert.Equal(plain[i][k].Finished, guided[i][k].Finished);
                    for (int t = 0; t < plain[i][k].Attention.Count; t++)
                        Assert.Equal(plain[i][k].Attention[t], guided[i][k].Attention[t], (a, b) => Math.Abs(a - b) < 1e-5f);
                    Assert.Null(guided[i][k].ConstraintMet);
                }
            }
            // Image 0 itself: every returned caption that met the constraint contains w9, with the model's own log-probability.
            Assert.All(guided[0].Where(c => c.ConstraintMet == true), c => Assert.Contains("w9", c.Words));
        }
    }

    [Fact]
    public void Guided_captions_score_what_the_model_assigns_them()
    {
        var model = TestModels.Sharpened(TestModels.RandomModel(11), 3f);
        var grids = TestModels.RandomGrids(4, model.Config, 11);
        var constraints = Enumerable.Range(0, 4).Select(i => (CaptionConstraints?)new CaptionConstraints([$"w{5 + i}"], ["w4"])).ToArray();
        var results = model.CreateGenerator().Generate(grids, 4, new DecodingOptions { BeamWidth = 3, NBest = 3, MaxLength = 10 }, constraints);
        int gridFloats = model.Config.Positions * model.Config.EncoderDim;
        for (int i = 0; i < 4; i++)
            foreach (var caption in results[i])
            {
                var (logp, _) = TeacherForcing.Score(model.CreateDecoder(), grids.AsSpan(i * gridFloats, gridFloats), caption.TokenIds, caption.Finished);
                Assert.Equal(logp, caption.LogProbability, 1e-4);
                Assert.DoesNotContain("w4", caption.Words);
                if (caption.ConstraintMet == true) Assert.Contains($"w{5 + i}", caption.Words);
            }
        Assert.Contains(results, r => r[0].ConstraintMet == true);
    }

    [Fact]
    public void Greedy_with_a_constraint_runs_as_beam_one()
    {
        var greedy = Generate(Next, new CaptionConstraints(["w8"], []), new DecodingOptions { Method = DecodingMethod.Greedy });
        Assert.Single(greedy);
        Assert.True(greedy[0].ConstraintMet);
        Assert.Contains("w8", greedy[0].Words);
    }

    [Fact]
    public void Constraints_must_match_the_image_count()
    {
        var model = TestModels.RandomModel(1);
        var grids = TestModels.RandomGrids(2, model.Config, 1);
        Assert.Throws<ArgumentException>(() => model.CreateGenerator().Generate(grids, 2, null, [null]));
    }
}
