using ImageCaptioning.Numerics;

namespace ImageCaptioning.Model;

/// <summary>
/// Inference-only compact copies (float16, or int8 with a scale per row: <see cref="CompactMatrix"/>) of the matrices
/// <see cref="AttentionDecoder.Step"/> streams every step (~3.4 M weights, 13.6 MB as float32: at batch 1 a step is bound
/// by reading them). Why a snapshot and not the default: the trainer updates the float32 <see cref="DecoderParameters"/>
/// in place and evaluates on the dev set with a decoder built on the live arrays, which must see every update; a copy
/// taken once would silently go stale. So it is built explicitly (<see cref="DecoderModel"/> when loading, or
/// <see cref="DecoderWeightPrecision.Float16"/> / <see cref="DecoderWeightPrecision.Int8"/>), and the float32 path stays
/// the default wherever weights change. The shipped model's file stores F16, so a float16 copy holds exactly the
/// file's values. Products of the same input are stacked into one matrix so one pass reads the input once:
/// <list type="bullet">
/// <item><see cref="HiddenAttGate"/> = [W_a; W_β]   [A + D, H]  (both read h_{t-1});</item>
/// <item><see cref="DeepOutput"/>    = [L_h | L_z]  [M, H + D]  (reads [h_t; β⊙z]);</item>
/// <item><see cref="Output"/> [V, M] as it is.</item>
/// </list>
/// The LSTM's embedding block is applied ahead of time: W_lstm x = W_e E[y] + W_rest [β⊙z; h], and W_e E[y] depends only
/// on the token, so <see cref="LstmByToken"/> holds it for every word ([V, 4H] float32, 21 MB for the shipped model) and
/// a step reads one 8 KB row instead of W_e (1 MB as float16, a fifth of the LSTM's weights and multiply-adds).
/// </summary>
public sealed class CompactStepWeights
{
    /// <summary>Snapshots the per-step matrices of <paramref name="p"/> in <paramref name="precision"/> (Float16 or Int8).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="precision"/> is Float32 (that path reads <paramref name="p"/> itself).</exception>
    public CompactStepWeights(DecoderParameters p, DecoderWeightPrecision precision = DecoderWeightPrecision.Float16)
    {
        ArgumentNullException.ThrowIfNull(p);
        var format = precision switch
        {
            DecoderWeightPrecision.Float16 => CompactFormat.Float16,
            DecoderWeightPrecision.Int8 => CompactFormat.Int8,
            _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "A compact copy is Float16 or Int8."),
        };
        Precision = precision;
        var c = p.Config;
        int a = c.AttentionDim, d = c.FeatureDim, h = c.HiddenDim, m = c.EmbeddingDim, v = c.VocabSize;
        HiddenAttGate = CompactMatrix.Stack(format, (p.HiddenAttWeight, a), (p.GateWeight, d));
        HiddenAttGateBias = [.. p.HiddenAttBias, .. p.GateBias];
        int x = m + d + h;
        // W_e = W_lstm[:, :M] [4H, M]: rounded to float16 like the rest in a float16 copy; an int8 copy keeps it exact,
        // since it only ever enters through the float32 table below (quantising it would lose precision for nothing).
        var embeddingBlock = new float[4 * h * m];
        var rest = new float[4 * h * (d + h)];                     // W_rest = W_lstm[:, M:]                       [4H, D + H]
        for (int r = 0; r < 4 * h; r++)
        {
            var row = p.LstmWeight.AsSpan(r * x, x);
            for (int j = 0; j < m; j++) embeddingBlock[r * m + j] = format == CompactFormat.Float16 ? (float)(Half)row[j] : row[j];
            row[m..].CopyTo(rest.AsSpan(r * (d + h), d + h));
        }
        LstmRest = CompactMatrix.Create(format, rest, 4 * h, d + h);
        LstmByToken = new float[v * 4 * h];
        Gemm.Multiply(false, true, v, 4 * h, m, p.Embedding, m, embeddingBlock, m, LstmByToken, 4 * h); // E · W_eᵀ  [V, 4H]
        LstmBias = [.. p.LstmBias];
        var deepOutput = new float[m * (h + d)];
        for (int r = 0; r < m; r++)
        {
            p.OutHiddenWeight.AsSpan(r * h, h).CopyTo(deepOutput.AsSpan(r * (h + d), h));
            p.OutContextWeight.AsSpan(r * d, d).CopyTo(deepOutput.AsSpan(r * (h + d) + h, d));
        }
        DeepOutput = CompactMatrix.Create(format, deepOutput, m, h + d);
        DeepOutputBias = [.. p.OutHiddenBias];
        Output = CompactMatrix.Create(format, p.OutputWeight, v, m);
        OutputBias = [.. p.OutputBias];
    }

    /// <summary>Float16 or Int8.</summary>
    public DecoderWeightPrecision Precision { get; }

    /// <summary>[W_a; W_β]: [A + D, H].</summary>
    internal CompactMatrix HiddenAttGate { get; }
    /// <summary>[b_a; b_β]: [A + D] (float32).</summary>
    internal float[] HiddenAttGateBias { get; }
    /// <summary>W_lstm[:, M:], the block applied to [β⊙z; h]: [4H, D + H].</summary>
    internal CompactMatrix LstmRest { get; }
    /// <summary>W_e E[y] for every word y: [V, 4H] (float32; W_e rounded to float16 in a float16 copy, exact in an int8 one).</summary>
    internal float[] LstmByToken { get; }
    /// <summary>b_lstm: [4H] (float32, like every bias here: copied so the snapshot is consistent).</summary>
    internal float[] LstmBias { get; }
    /// <summary>[L_h | L_z]: [M, H + D].</summary>
    internal CompactMatrix DeepOutput { get; }
    /// <summary>b_h: [M].</summary>
    internal float[] DeepOutputBias { get; }
    /// <summary>W_o: [V, M].</summary>
    internal CompactMatrix Output { get; }
    /// <summary>b_o: [V].</summary>
    internal float[] OutputBias { get; }

    /// <summary>True when every weight a float16 snapshot would hold is already a float16 value (that copy is then exact).</summary>
    public static bool IsLossless(DecoderParameters p) =>
        HalfMatrix.IsExactlyRepresentable(p.HiddenAttWeight) && HalfMatrix.IsExactlyRepresentable(p.GateWeight)
        && HalfMatrix.IsExactlyRepresentable(p.LstmWeight) && HalfMatrix.IsExactlyRepresentable(p.OutHiddenWeight)
        && HalfMatrix.IsExactlyRepresentable(p.OutContextWeight) && HalfMatrix.IsExactlyRepresentable(p.OutputWeight);
}
