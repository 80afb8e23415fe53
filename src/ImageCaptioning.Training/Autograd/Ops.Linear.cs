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
        if (bias is { RequiresGrad: true })
        {
            var db = bias.Grad;
            for (int r = 0; r < rows; r++)
                TensorPrimitives.Add(db, dy.Slice(r * outDim, outDim), db);
        }
    }
}
