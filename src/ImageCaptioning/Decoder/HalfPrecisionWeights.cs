using ImageCaptioning.Numerics;

namespace ImageCaptioning.Decoder;

/// <summary>
/// Inference-only float16 copies of the matrices <see cref="AttentionDecoder.Step"/> streams every step (~3.9 M weights,
/// 15.7 MB as float32: at batch 1 a step is bound by reading them). Why a snapshot and not the default: the trainer
/// updates the float32 <see cref="DecoderParameters"/> in place and evaluates on the dev set with a decoder built on
/// the live arrays, which must see every update; a copy taken once would silently go stale. So it is built
/// explicitly (<see cref="DecoderModel"/> when loading an F16 file, or <see cref="DecoderWeightPrecision.Float16"/>),
/// and the float32 path stays the default wherever weights change. For the shipped model the file already stores
/// F16, so the copy holds exactly the file's values. Products of the same input are stacked into one matrix so one
/// pass reads the input once:
/// <list type="bullet">
/// <item><see cref="HiddenAttGate"/> = [W_a; W_β]   [A + D, H]  (both read h_{t-1});</item>
/// <item><see cref="DeepOutput"/>    = [L_h | L_z]  [M, H + D]  (reads [h_t; β⊙z]);</item>
/// <item><see cref="Lstm"/> [4H, M + D + H] and <see cref="Output"/> [V, M] as they are.</item>
/// </list>
/// </summary>
public sealed class HalfPrecisionWeights
{
    /// <summary>Snapshots the per-step matrices of <paramref name="p"/> (rounded to the nearest float16).</summary>
    public HalfPrecisionWeights(DecoderParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var c = p.Config;
        int a = c.AttentionDim, d = c.FeatureDim, h = c.HiddenDim, m = c.EmbeddingDim, v = c.VocabSize;
        HiddenAttGate = HalfMatrix.Stack((p.HiddenAttWeight, a), (p.GateWeight, d));
        HiddenAttGateBias = [.. p.HiddenAttBias, .. p.GateBias];
        Lstm = new HalfMatrix(p.LstmWeight, 4 * h, m + d + h);
        LstmBias = [.. p.LstmBias];
        var deepOutput = new float[m * (h + d)];
        for (int r = 0; r < m; r++)
        {
            p.OutHiddenWeight.AsSpan(r * h, h).CopyTo(deepOutput.AsSpan(r * (h + d), h));
            p.OutContextWeight.AsSpan(r * d, d).CopyTo(deepOutput.AsSpan(r * (h + d) + h, d));
        }
        DeepOutput = new HalfMatrix(deepOutput, m, h + d);
        DeepOutputBias = [.. p.OutHiddenBias];
        Output = new HalfMatrix(p.OutputWeight, v, m);
        OutputBias = [.. p.OutputBias];
    }

    /// <summary>[W_a; W_β]: [A + D, H].</summary>
    internal HalfMatrix HiddenAttGate { get; }
    /// <summary>[b_a; b_β]: [A + D] (float32).</summary>
    internal float[] HiddenAttGateBias { get; }
    /// <summary>W_lstm: [4H, M + D + H].</summary>
    internal HalfMatrix Lstm { get; }
    /// <summary>b_lstm: [4H] (float32, like every bias here: copied so the snapshot is consistent).</summary>
    internal float[] LstmBias { get; }
    /// <summary>[L_h | L_z]: [M, H + D].</summary>
    internal HalfMatrix DeepOutput { get; }
    /// <summary>b_h: [M].</summary>
    internal float[] DeepOutputBias { get; }
    /// <summary>W_o: [V, M].</summary>
    internal HalfMatrix Output { get; }
    /// <summary>b_o: [V].</summary>
    internal float[] OutputBias { get; }

    /// <summary>True when every weight the snapshot would hold is already a float16 value (the copy is then exact).</summary>
    public static bool IsLossless(DecoderParameters p) =>
        HalfMatrix.IsExactlyRepresentable(p.HiddenAttWeight) && HalfMatrix.IsExactlyRepresentable(p.GateWeight)
        && HalfMatrix.IsExactlyRepresentable(p.LstmWeight) && HalfMatrix.IsExactlyRepresentable(p.OutHiddenWeight)
        && HalfMatrix.IsExactlyRepresentable(p.OutContextWeight) && HalfMatrix.IsExactlyRepresentable(p.OutputWeight);
}
