using ImageCaptioning.Attention;
using ImageCaptioning.Model;
using ImageCaptioning.ModelFolder;
using ImageCaptioning.Tests.Model;

namespace ImageCaptioning.Tests.Attention;

/// <summary>
/// <see cref="AttentionProbe"/> on a tiny hand-made decoder over 4 cells whose word "w4" is driven by what it sees in
/// cell 0. Cell 0 holds feature [1, 0], the others [0, 1]; with W_p = I the projected features equal them.
/// Attention keys W_f v = [5, 0]·v and score weight 10 give e = [10·tanh 5, 0, 0, 0], so α ≈ [0.99986, …];
/// every LSTM weight is 0 (h stays 0), the gate's bias 20 opens β ≈ 1, and the deep output o = L_z (β⊙z) with L_z = I
/// feeds logit(w4) = 10·o₀. Zeroing cell 0 turns its projected feature into 0: attention goes flat and o₀ = 0, so
/// every logit is 0 and p(w4) = 1/6.
/// </summary>
public class AttentionProbeTests
{
    private static DecoderModel GroundedDecoder(bool attendToCellZero)
    {
        var config = new DecoderConfig
        {
            Positions = 4, EncoderDim = 2, FeatureDim = 2, AttentionDim = 1, EmbeddingDim = 2, HiddenDim = 2, VocabSize = 6, Dropout = 0f,
        };
        var p = new DecoderParameters(config);
        p.FeatureProjWeight[0] = p.FeatureProjWeight[3] = 1f;          // W_p = I [2, 2]
        p.FeatureAttWeight[attendToCellZero ? 0 : 1] = 5f;             // W_f [1, 2]: the key of [1, 0] cells (or of [0, 1] cells)
        p.ScoreWeight[0] = 10f;                                        // w [1, 1]
        p.GateBias[0] = p.GateBias[1] = 20f;                           // β ≈ 1
        p.OutContextWeight[0] = p.OutContextWeight[3] = 1f;            // L_z = I [2, 2]
        p.OutputWeight[4 * 2 + 0] = 10f;                               // W_o [6, 2]: logit(w4) = 10·o₀
        return new DecoderModel(p, TestModels.Vocabulary(6));
    }

    private static readonly float[] Grid = [1, 0, 0, 1, 0, 1, 0, 1]; // [4 cells, 2 channels]: cell 0 = [1, 0], the rest [0, 1]

    [Fact]
    public void ZeroingTheAttendedCellRemovesTheWordAndRandomCellsMostlyDoNot()
    {
        var model = GroundedDecoder(attendToCellZero: true);
        var probe = new AttentionProbe(model.CreateStepDecoder(), model.Vocabulary, maskedCells: 1, randomDraws: 4);
        var words = probe.Probe(Grid, ["w5", "w4"], seed: 7);          // w5 and w4 are both content words

        var w4 = Assert.Single(words, w => w.Word == "w4");
        Assert.Equal(1, w4.Position);
        double alpha0 = Math.Exp(10 * Math.Tanh(5)) / (Math.Exp(10 * Math.Tanh(5)) + 3);
        Assert.Equal(alpha0, w4.Alpha[0][0], 5);                        // the α the decoder used
        double z0 = alpha0;                                             // z = α₀·[1, 0] + (1 − α₀)·[0, 1], β ≈ 1
        Assert.Equal(Math.Exp(10 * z0) / (Math.Exp(10 * z0) + 5), w4.Probability[0], 5);
        Assert.Equal(1.0 / 6, w4.TopMaskedProbability[0], 5);          // cell 0 zeroed: every logit 0
        // Each random draw zeroes cell 0 (p = 1/6) or a background cell (p unchanged, up to the now larger α₀).
        Assert.InRange(w4.RandomMaskedProbability[0], 1.0 / 6 + 1e-6, w4.Probability[0] + 1e-4);

        var report = AttentionReport.From([words], probe.MaskedCells, probe.RandomDraws);
        Assert.True(report.MeanTopMaskDrop > report.MeanRandomMaskDrop);
        Assert.Equal(1, report.Decoders);
    }

    [Fact]
    public void AttentionOnCellsTheWordDoesNotNeedFailsTheCheck()
    {
        // Attention now peaks on the background cells [0, 1], so zeroing the top cell removes background, which makes
        // attention (and the context) lean further towards cell 0: the word gets likelier, not less likely.
        var model = GroundedDecoder(attendToCellZero: false);
        var probe = new AttentionProbe(model.CreateStepDecoder(), model.Vocabulary, maskedCells: 1, randomDraws: 4);
        var w4 = Assert.Single(probe.Probe(Grid, ["w4"], seed: 7));
        Assert.True(w4.Alpha[0][0] < 0.01, $"α₀ = {w4.Alpha[0][0]}");
        Assert.True(w4.TopMaskedProbability[0] >= w4.Probability[0], "top-α masking should not hurt the word here");
        var report = AttentionReport.From([[w4]], probe.MaskedCells, probe.RandomDraws);
        Assert.Equal(0, report.ShareTopMaskHurtsMore);
    }

    [Fact]
    public void EnsembleMembersAreProbedOneByOne()
    {
        var one = GroundedDecoder(attendToCellZero: true);
        var two = GroundedDecoder(attendToCellZero: false);
        var ensemble = new DecoderModel([one.Parameters, two.Parameters], one.Vocabulary);
        var probe = new AttentionProbe(ensemble.CreateStepDecoder(), ensemble.Vocabulary, maskedCells: 1);
        var w4 = Assert.Single(probe.Probe(Grid, ["w4"], seed: 1));
        Assert.Equal(2, w4.Alpha.Length);
        Assert.True(w4.Alpha[0][0] > 0.99 && w4.Alpha[1][0] < 0.01);    // each member's own α, not their mean
        Assert.Equal((w4.Alpha[0][0] + w4.Alpha[1][0]) / 2, w4.ShownAlpha()[0], 6);
    }

    [Fact]
    public void AWordOutsideTheVocabularyIsRefused()
    {
        var model = GroundedDecoder(attendToCellZero: true);
        var probe = new AttentionProbe(model.CreateStepDecoder(), model.Vocabulary);
        var error = Assert.Throws<ArgumentException>(() => probe.Probe(Grid, ["zebra"], seed: 1));
        Assert.Contains("not in the model's vocabulary", error.Message);
    }
}
