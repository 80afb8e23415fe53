using System.Numerics.Tensors;
using ImageCaptioning.Model;

namespace ImageCaptioning.Training.Autograd;

public static partial class Ops
{
    /// <summary>
    /// Additive attention scores for the first R = attH.Rows samples:
    /// e[r, i] = Σ_a w[a]·tanh(attF[r·P + i, a] + attH[r, a]).  attF: [B·P, A] (B ≥ R), attH: [R, A], w: [1, A] → e: [R, P].
    /// </summary>
    public static Tensor AttentionScores(Tape tape, Tensor attF, Tensor attH, Tensor w, int positions)
    {
        int rows = attH.Rows, a = attH.Cols;
        var e = tape.NewTensor(rows, positions, attF.RequiresGrad || attH.RequiresGrad || w.RequiresGrad);
        var t = tape.Rent(rows * positions * a);  // tanh values [R·P, A], kept for backward
        DecoderKernels.AttentionScores(attF.Values, attH.Values, w.Values, rows, positions, a, default, e.Values, t);
        if (e.RequiresGrad)
            tape.Record(() =>
            {
                var de = e.Grad; var wv = w.Values;
                Span<float> dPre = stackalloc float[a];
                Span<float> dAttF = attF.RequiresGrad ? attF.Grad : default;
                Span<float> dAttH = attH.RequiresGrad ? attH.Grad : default;
                Span<float> dw = w.RequiresGrad ? w.Grad : default;
                for (int r = 0; r < rows; r++)
                for (int i = 0; i < positions; i++)
                {
                    float g = de[r * positions + i];
                    var tRow = t.AsSpan((r * positions + i) * a, a);
                    if (!dw.IsEmpty) TensorPrimitives.MultiplyAdd(tRow, g, dw, dw);           // dw += de·t
                    for (int k = 0; k < a; k++) dPre[k] = g * wv[k] * (1f - tRow[k] * tRow[k]); // d(pre-tanh)
                    if (!dAttF.IsEmpty)
                    {
                        var row = dAttF.Slice((r * positions + i) * a, a);
                        TensorPrimitives.Add(row, dPre, row);
                    }
                    if (!dAttH.IsEmpty)
                    {
                        var row = dAttH.Slice(r * a, a);
                        TensorPrimitives.Add(row, dPre, row);
                    }
                }
            });
        return e;
    }

    /// <summary>Row-wise softmax: α[r] = softmax(e[r]).</summary>
    public static Tensor Softmax(Tape tape, Tensor e)
    {
        var alpha = tape.NewTensor(e.Rows, e.Cols, e.RequiresGrad);
        e.Values.CopyTo(alpha.Values);
        DecoderKernels.SoftmaxRows(alpha.Values, e.Rows, e.Cols);
        if (alpha.RequiresGrad)
            tape.Record(() =>
            {   // de = α ⊙ (dα − Σ_j dα_j α_j)
                int cols = e.Cols;
                var da = alpha.Grad; var de = e.Grad; var av = alpha.Values;
                for (int r = 0; r < e.Rows; r++)
                {
                    var aRow = av.Slice(r * cols, cols); var daRow = da.Slice(r * cols, cols);
                    float dot = TensorPrimitives.Dot(aRow, daRow);
                    for (int j = 0; j < cols; j++) de[r * cols + j] += aRow[j] * (daRow[j] - dot);
                }
            });
        return alpha;
    }

    /// <summary>
    /// Context vectors for the first R = α.Rows samples: z[r] = Σ_i α[r, i]·v[r·P + i].  α: [R, P], v: [B·P, D] → z: [R, D].
    /// </summary>
    public static Tensor WeightedSum(Tape tape, Tensor alpha, Tensor v)
    {
        int rows = alpha.Rows, positions = alpha.Cols, dim = v.Cols;
        var z = tape.NewTensor(rows, dim, alpha.RequiresGrad || v.RequiresGrad);
        DecoderKernels.WeightedSum(alpha.Values, v.Values, rows, positions, dim, default, z.Values);
        if (z.RequiresGrad)
            tape.Record(() =>
            {
                var dz = z.Grad; var vv = v.Values; var av = alpha.Values;
                Span<float> da = alpha.RequiresGrad ? alpha.Grad : default;
                Span<float> dv = v.RequiresGrad ? v.Grad : default;
                for (int r = 0; r < rows; r++)
                {
                    var dzRow = dz.Slice(r * dim, dim);
                    for (int i = 0; i < positions; i++)
                    {
                        int vRow = (r * positions + i) * dim;
                        if (!da.IsEmpty) da[r * positions + i] += TensorPrimitives.Dot(dzRow, vv.Slice(vRow, dim));
                        if (!dv.IsEmpty) TensorPrimitives.MultiplyAdd(dzRow, av[r * positions + i], dv.Slice(vRow, dim), dv.Slice(vRow, dim));
                    }
                }
            });
        return z;
    }
}
