using System.Numerics.Tensors;
using ImageCaptioning.Model;
using ImageCaptioning.Numerics;

namespace ImageCaptioning.Training.Autograd;

/// <summary>Differentiable operations. Forward passes call <see cref="DecoderKernels"/>, the same code the inference decoder runs.</summary>
public static partial class Ops
{
    /// <summary>y[R, out] = x[R, in]·Wᵀ + b, with W: [out, in] and b: [1, out] (or null).</summary>
    public static Tensor Linear(Tape tape, Tensor x, Tensor weight, Tensor? bias)
    {
        int rows = x.Rows, inDim = x.Cols, outDim = weight.Rows;
        if (weight.Cols != inDim) throw new ArgumentException($"Linear: x is [{x.Rows}, {x.Cols}] but W is [{weight.Rows}, {weight.Cols}]");
        var y = tape.NewTensor(rows, outDim, x.RequiresGrad || weight.RequiresGrad || (bias?.RequiresGrad ?? false));
        DecoderKernels.Linear(x.Values, rows, inDim, weight.Values, bias is null ? default : bias.Values, outDim, y.Values);
        if (y.RequiresGrad)
            tape.Record(() => LinearBackward(x, weight, bias, y));
        return y;
    }

    /// <summary>y = a + x·Wᵀ (no bias) — the accumulate form the inference decoder uses for the deep output.</summary>
    public static Tensor AddLinear(Tape tape, Tensor a, Tensor x, Tensor weight)
    {
        int rows = x.Rows, inDim = x.Cols, outDim = weight.Rows;
        var y = tape.NewTensor(rows, outDim, a.RequiresGrad || x.RequiresGrad || weight.RequiresGrad);
        a.Values.CopyTo(y.Values);
        DecoderKernels.Linear(x.Values, rows, inDim, weight.Values, default, outDim, y.Values, accumulate: true);
        if (y.RequiresGrad)
            tape.Record(() =>
            {
                if (a.RequiresGrad) TensorPrimitives.Add(a.Grad, y.Grad, a.Grad);
                LinearBackward(x, weight, null, y);
            });
        return y;
    }

    private static void LinearBackward(Tensor x, Tensor weight, Tensor? bias, Tensor y)
    {
        int rows = x.Rows, inDim = x.Cols, outDim = weight.Rows;
        if (rows == 0) return;
        var dy = y.Grad;
        if (x.RequiresGrad)   // dx[R, in] += dy[R, out]·W[out, in]
            Gemm.Multiply(false, false, rows, inDim, outDim, dy, outDim, weight.Values, inDim, x.Grad, inDim, 1f);
        if (weight.RequiresGrad)  // dW[out, in] += dyᵀ[out, R]·x[R, in]
            Gemm.Multiply(true, false, outDim, inDim, rows, dy, outDim, x.Values, inDim, weight.Grad, inDim, 1f);
        if (bias is { RequiresGrad: true }) AddRowSums(dy, rows, outDim, bias.Grad);
    }

    /// <summary>db[out] += Σ_r dy[r, out].</summary>
    private static void AddRowSums(ReadOnlySpan<float> dy, int rows, int outDim, Span<float> db)
    {
        for (int r = 0; r < rows; r++)
            TensorPrimitives.Add(db, dy.Slice(r * outDim, outDim), db);
    }

    /// <summary>
    /// y[N·P, out] = f·Wᵀ + b for constant grids f [N·P, C] of <paramref name="layout"/> (cells [own | parent], the parent part
    /// repeated in its four cells), each parent's part projected once (<see cref="DecoderKernels.ParentCellLinear"/>).
    /// W: [out, C]; b: [1, out]. The grids are the encoder's features: gradients flow into W and b only.
    /// </summary>
    public static Tensor ParentCellLinear(Tape tape, Tensor grids, ParentCellLayout layout, Tensor weight, Tensor bias)
    {
        ArgumentNullException.ThrowIfNull(layout);
        int P = layout.Positions, Q = layout.ParentPositions, C = layout.Channels, outDim = weight.Rows;
        if (grids.RequiresGrad) throw new ArgumentException("ParentCellLinear: the grids are constant input features", nameof(grids));
        if (grids.Cols != C || grids.Rows % P != 0 || weight.Cols != C)
            throw new ArgumentException($"ParentCellLinear: grids [{grids.Rows}, {grids.Cols}] and W [{weight.Rows}, {weight.Cols}] do not fit {P} cells × {C} channels");
        int images = grids.Rows / P;
        var y = tape.NewTensor(grids.Rows, outDim, weight.RequiresGrad || bias.RequiresGrad);
        var g = tape.NewTensor(images * Q, layout.ParentChannels, requiresGrad: false);   // g [N·P', parent], kept for dW_parent
        var u = tape.NewTensor(images * Q, outDim, requiresGrad: false);                   // W_parent g + b [N·P', out]
        DecoderKernels.ParentCellLinear(grids.Values, images, layout, weight.Values, bias.Values, outDim, y.Values, g.Values, u.Values);
        if (y.RequiresGrad)
            tape.Record(() => ParentCellLinearBackward(grids, layout, g, weight, bias, y, u.Values));
        return y;
    }

    /// <param name="parentGrad">Scratch [N·P', out] (the forward's parent projection, no longer needed).</param>
    private static void ParentCellLinearBackward(Tensor grids, ParentCellLayout layout, Tensor g, Tensor weight, Tensor bias, Tensor y,
        Span<float> parentGrad)
    {
        int P = layout.Positions, Q = layout.ParentPositions, C = layout.Channels, own = layout.OwnChannels, outDim = weight.Rows;
        int rows = grids.Rows, images = rows / P;
        var dy = y.Grad;
        if (bias.RequiresGrad) AddRowSums(dy, rows, outDim, bias.Grad);
        if (!weight.RequiresGrad) return;
        // dW_own[out, own] (row stride C) += dyᵀ[out, N·P]·f_own[N·P, own]
        Gemm.Multiply(true, false, outDim, own, rows, dy, outDim, grids.Values, C, weight.Grad, C, 1f);
        // d(W_parent g)[N·P', out] = Σ over each parent's four cells of dy; dW_parent[out, parent] += that ᵀ·g
        parentGrad.Clear();
        for (int n = 0; n < images; n++)
            for (int i = 0; i < P; i++)
            {
                var parentRow = parentGrad.Slice((n * Q + layout.ParentOf(i)) * outDim, outDim);
                TensorPrimitives.Add(parentRow, dy.Slice((n * P + i) * outDim, outDim), parentRow);
            }
        Gemm.Multiply(true, false, outDim, layout.ParentChannels, images * Q, parentGrad, outDim, g.Values, layout.ParentChannels,
            weight.Grad[own..], C, 1f);
    }
}
