using ImageCaptioning.Training.Autograd;

namespace ImageCaptioning.Tests.Training;

/// <summary>Every op's backward pass against finite differences.</summary>
public class OpGradientTests
{
    private readonly Random _rng = new(1234);
    private Tensor R(int rows, int cols, float scale = 1f) => GradientCheck.Random(_rng, rows, cols, scale: scale);

    [Fact]
    public void Linear() => GradientCheck.Check(
        (t, x) => GradientCheck.Project(t, Ops.Linear(t, x[0], x[1], x[2])), [R(3, 5), R(4, 5), R(1, 4)]);

    [Fact]
    public void AddLinear() => GradientCheck.Check(
        (t, x) => GradientCheck.Project(t, Ops.AddLinear(t, x[0], x[1], x[2])), [R(3, 4), R(3, 5), R(4, 5)]);

    [Fact]
    public void TanhSigmoidRelu() => GradientCheck.Check(
        (t, x) => GradientCheck.Project(t, Ops.Add(t, Ops.Tanh(t, x[0]), Ops.Multiply(t, Ops.Sigmoid(t, x[0]), Ops.Relu(t, x[1])))),
        [R(3, 4), R(3, 4)]);

    [Fact]
    public void EmbeddingScatterAddsRepeatedIds() => GradientCheck.Check(
        (t, x) => GradientCheck.Project(t, Ops.Embedding(t, x[0], [2, 0, 2, 5], 4)), [R(6, 3)]);

    [Fact]
    public void ConcatColumns() => GradientCheck.Check(
        (t, x) => GradientCheck.Project(t, Ops.ConcatColumns(t, x[0], x[1], x[2])), [R(2, 3), R(2, 1), R(2, 4)]);

    [Fact]
    public void MeanOfRowGroups() => GradientCheck.Check(
        (t, x) => GradientCheck.Project(t, Ops.MeanOfRowGroups(t, x[0], 3)), [R(6, 4)]);

    [Fact]
    public void AttentionScoresSoftmaxWeightedSumOnAShrunkBatch()
    {
        const int positions = 3;
        // attF, v hold 3 samples but only the first 2 are active (a row view of h): gradients must land in the first rows only.
        GradientCheck.Check((t, x) =>
        {
            var attH = x[1].ViewRows(2);
            var alpha = Ops.Softmax(t, Ops.AttentionScores(t, x[0], attH, x[2], positions));
            return GradientCheck.Project(t, Ops.WeightedSum(t, alpha, x[3]));
        }, [R(9, 4), R(3, 4), R(1, 4), R(9, 5)]);
    }

    [Fact]
    public void ParentCellLinearIsTheFullLinearAndHasItsGradients()
    {
        // 4×4 cells of 3 own + 2 parent channels, 2×2 parents; the grids are constant features.
        var layout = new ImageCaptioning.Model.ParentCellLayout(Side: 4, OwnChannels: 3, ParentChannels: 2);
        var grids = new Tensor(TinyDecoders.ParentCellGrids(2, layout, seed: 5), 2 * layout.Positions, layout.Channels, requiresGrad: false);
        Tensor weight = R(4, layout.Channels), bias = R(1, 4);
        GradientCheck.Check((t, x) => GradientCheck.Project(t, Ops.ParentCellLinear(t, grids, layout, x[0], x[1])), [weight, bias]);

        // On grids whose parent parts repeat, it is the plain projection: the same values and the same gradients.
        float[][] Gradients(Func<Tape, Tensor> forward)
        {
            weight.Grad.Clear(); bias.Grad.Clear();
            var tape = new Tape();
            var y = forward(tape);
            tape.Backward(GradientCheck.Project(tape, y));
            float[][] result = [y.Values.ToArray(), weight.Grad.ToArray(), bias.Grad.ToArray()];
            tape.Reset();
            return result;
        }
        var split = Gradients(t => Ops.ParentCellLinear(t, grids, layout, weight, bias));
        var full = Gradients(t => Ops.Linear(t, grids, weight, bias));
        for (int k = 0; k < full.Length; k++)
            for (int i = 0; i < full[k].Length; i++)
                Assert.True(Math.Abs(full[k][i] - split[k][i]) <= 1e-5f * (1 + Math.Abs(full[k][i])), $"output {k} [{i}]: {split[k][i]} vs {full[k][i]}");
    }

    [Fact]
    public void LstmCellThroughBothOutputs() => GradientCheck.Check((t, x) =>
    {
        var (h, c) = Ops.LstmCell(t, x[0], x[1]);
        return Ops.Add(t, GradientCheck.Project(t, h, 1), GradientCheck.Project(t, c, 2));
    }, [R(2, 12), R(2, 3)]);

    [Fact]
    public void CrossEntropyWithLabelSmoothingAndIgnoredRows() => GradientCheck.Check(
        (t, x) => Ops.CrossEntropySum(t, x[0], [1, 3, 0], labelSmoothing: 0.1f, ignoreId: 0), [R(3, 5, 2f)]);

    [Fact]
    public void CrossEntropyWithRowWeights() => GradientCheck.Check(
        (t, x) => Ops.CrossEntropySum(t, x[0], [1, 3, 4], rowWeights: [0.7f, -1.3f, 0.25f]), [R(3, 5, 2f)]);

    [Fact]
    public void CrossEntropyOfTemperedLogitsWithRowWeights() => GradientCheck.Check(
        (t, x) => Ops.CrossEntropySum(t, x[0], [1, 3, 4], labelSmoothing: 0.1f, rowWeights: [0.7f, -1.3f, 0.25f], temperature: 0.6f), [R(3, 5, 2f)]);

    [Fact]
    public void ATemperedCrossEntropyIsThatOfTheScaledLogits()
    {
        var logits = R(3, 5, 2f);
        var scaled = new Tensor(logits.Values.ToArray().Select(l => l / 0.6f).ToArray(), 3, 5, requiresGrad: true);
        Assert.Equal(Ops.CrossEntropySum(new Tape(), scaled, [1, 3, 4]).Item, Ops.CrossEntropySum(new Tape(), logits, [1, 3, 4], temperature: 0.6f).Item, 5);
    }

    [Fact]
    public void RowWeightsOfOneChangeNothingAndScaleEachRowsTerm()
    {
        var logits = R(3, 5, 2f);
        float plain = Ops.CrossEntropySum(new Tape(), logits, [1, 3, 4]).Item;
        Assert.Equal(plain, Ops.CrossEntropySum(new Tape(), logits, [1, 3, 4], rowWeights: [1f, 1f, 1f]).Item, 6);
        float row0 = Ops.CrossEntropySum(new Tape(), logits.ViewRows(1), [1]).Item;
        float rest = plain - row0;
        Assert.Equal(-2f * row0 + rest, Ops.CrossEntropySum(new Tape(), logits, [1, 3, 4], rowWeights: [-2f, 1f, 1f]).Item, 5);
    }

    [Fact]
    public void AttentionCoverage() => GradientCheck.Check((t, x) =>
    {
        var a1 = Ops.Softmax(t, x[0]);
        var a2 = Ops.Softmax(t, x[1]);
        return Ops.AttentionCoverage(t, [a1, a2], batch: 3, lambda: 1.5f);
    }, [R(3, 4), R(2, 4)]);

    [Fact]
    public void AttentionEntropy() => GradientCheck.Check((t, x) =>
    {
        var a1 = Ops.Softmax(t, x[0]);
        var a2 = Ops.Softmax(t, x[1]);
        return Ops.AttentionEntropy(t, [a1, a2], mu: 0.7f);
    }, [R(3, 5, scale: 2f), R(2, 5, scale: 2f)]);

    [Fact]
    public void AttentionEntropyIsMuForUniformMapsAndZeroForOneHotMaps()
    {
        var tape = new Tape { Training = false };
        var uniform = tape.Constant(Enumerable.Repeat(0.25f, 8).ToArray(), 2, 4);
        Assert.Equal(0.3f, Ops.AttentionEntropy(tape, [uniform], mu: 0.3f).Item, 6);
        var oneHot = tape.Constant([0f, 1f, 0f, 0f], 1, 4);
        Assert.Equal(0f, Ops.AttentionEntropy(tape, [oneHot], mu: 0.3f).Item, 6);
        // mean over rows of both steps: (1 + 0 + 0.5) / 3 rows, where [½, ½, 0, 0] has entropy ln 2 = ½ ln 4
        var half = tape.Constant([0.5f, 0.5f, 0f, 0f], 1, 4);
        var oneOfTwo = tape.Constant([0.25f, 0.25f, 0.25f, 0.25f, 0f, 0f, 1f, 0f], 2, 4);
        Assert.Equal(0.5f, Ops.AttentionEntropy(tape, [oneOfTwo, half], mu: 1f).Item, 6);
    }

    [Fact]
    public void AttentionEntropyOverSomeRows() => GradientCheck.Check((t, x) =>
    {
        var a1 = Ops.Softmax(t, x[0]);
        var a2 = Ops.Softmax(t, x[1]);
        return Ops.AttentionEntropy(t, [a1, a2], mu: 0.7f, penalisedRows: [[true, false, true], [false, true]]);
    }, [R(3, 5, scale: 2f), R(2, 5, scale: 2f)]);

    [Fact]
    public void AttentionEntropyOverSomeRowsAveragesOnlyThoseRows()
    {
        var tape = new Tape { Training = false };
        // rows: uniform (1), one-hot (0); step 2: [½, ½, 0, 0] (½). Counting rows 1 and 3 only: (1 + ½) / 2.
        var step1 = tape.Constant([0.25f, 0.25f, 0.25f, 0.25f, 0f, 0f, 1f, 0f], 2, 4);
        var step2 = tape.Constant([0.5f, 0.5f, 0f, 0f], 1, 4);
        Assert.Equal(0.75f, Ops.AttentionEntropy(tape, [step1, step2], mu: 1f, penalisedRows: [[true, false], [true]]).Item, 6);
        Assert.Equal(0f, Ops.AttentionEntropy(tape, [step1, step2], mu: 1f, penalisedRows: [[false, true], [false]]).Item, 6);
        Assert.Equal(Ops.AttentionEntropy(tape, [step1, step2], mu: 1f).Item,
            Ops.AttentionEntropy(tape, [step1, step2], mu: 1f, penalisedRows: [[true, true], [true]]).Item);
        Assert.Throws<ArgumentException>(() => Ops.AttentionEntropy(tape, [step1, step2], mu: 1f, penalisedRows: [[true, true]]));
    }

    [Fact]
    public void DropoutIsIdentityWhenNotTrainingAndScalesKeptUnitsWhenTraining()
    {
        var x = R(4, 50);
        var eval = new Tape { Training = false };
        Assert.Same(x, Ops.Dropout(eval, x, 0.5f, new Random(1)));

        var tape = new Tape();
        var y = Ops.Dropout(tape, x, 0.5f, new Random(1));
        int kept = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (y.Values[i] == 0f) continue;
            kept++;
            Assert.Equal(2f * x.Values[i], y.Values[i], 5);
        }
        Assert.InRange(kept, 60, 140); // ~half of 200
    }

    [Fact]
    public void BackwardRejectsANonScalarLoss()
    {
        var tape = new Tape();
        Assert.Throws<InvalidOperationException>(() => tape.Backward(R(2, 2)));
    }
}
