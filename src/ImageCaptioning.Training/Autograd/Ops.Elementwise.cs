using System.Numerics.Tensors;

namespace ImageCaptioning.Training.Autograd;

public static partial class Ops
{
    public static Tensor Tanh(Tape tape, Tensor x)
    {
        var y = tape.NewTensor(x.Rows, x.Cols, x.RequiresGrad);
        TensorPrimitives.Tanh(x.Values, y.Values);
        if (y.RequiresGrad)
            tape.Record(() =>
            {   // dx += dy ⊙ (1 − y²)
                var dx = x.Grad; var dy = y.Grad; var yv = y.Values;
                for (int i = 0; i < dx.Length; i++) dx[i] += dy[i] * (1f - yv[i] * yv[i]);
            });
        return y;
    }

    public static Tensor Sigmoid(Tape tape, Tensor x)
    {
        var y = tape.NewTensor(x.Rows, x.Cols, x.RequiresGrad);
        TensorPrimitives.Sigmoid(x.Values, y.Values);
        if (y.RequiresGrad)
            tape.Record(() =>
            {   // dx += dy ⊙ y ⊙ (1 − y)
                var dx = x.Grad; var dy = y.Grad; var yv = y.Values;
                for (int i = 0; i < dx.Length; i++) dx[i] += dy[i] * yv[i] * (1f - yv[i]);
            });
        return y;
    }

    public static Tensor Relu(Tape tape, Tensor x)
    {
        var y = tape.NewTensor(x.Rows, x.Cols, x.RequiresGrad);
        TensorPrimitives.Max(x.Values, 0f, y.Values);
        if (y.RequiresGrad)
            tape.Record(() =>
            {   // dx += dy where y > 0
                var dx = x.Grad; var dy = y.Grad; var yv = y.Values;
                for (int i = 0; i < dx.Length; i++) if (yv[i] > 0f) dx[i] += dy[i];
            });
        return y;
    }

    /// <summary>Elementwise a + b (same shape).</summary>
    public static Tensor Add(Tape tape, Tensor a, Tensor b) =>
        Elementwise(tape, a, b, "Add", TensorPrimitives.Add,
            static (dy, _, grad) => TensorPrimitives.Add(grad, dy, grad));                 // ∂(a + b)/∂a = 1

    /// <summary>Elementwise a ⊙ b (same shape).</summary>
    public static Tensor Multiply(Tape tape, Tensor a, Tensor b) =>
        Elementwise(tape, a, b, "Multiply", TensorPrimitives.Multiply,
            static (dy, other, grad) => TensorPrimitives.MultiplyAdd(dy, other, grad, grad)); // ∂(a ⊙ b)/∂a = b

    private delegate void SpanForward(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y);

    /// <summary>grad += dy's share for one operand, given the other operand's values (both ops are symmetric in a and b).</summary>
    private delegate void SpanBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> other, Span<float> grad);

    /// <summary>y = forward(a, b) elementwise; backward adds each operand's gradient that requires one.</summary>
    private static Tensor Elementwise(Tape tape, Tensor a, Tensor b, string op, SpanForward forward, SpanBackward backward)
    {
        CheckSameShape(a, b, op);
        var y = tape.NewTensor(a.Rows, a.Cols, a.RequiresGrad || b.RequiresGrad);
        forward(a.Values, b.Values, y.Values);
        if (y.RequiresGrad)
            tape.Record(() =>
            {
                if (a.RequiresGrad) backward(y.Grad, b.Values, a.Grad);
                if (b.RequiresGrad) backward(y.Grad, a.Values, b.Grad);
            });
        return y;
    }

    /// <summary>Inverted dropout: zeroes each element with probability p and scales the rest by 1/(1−p); identity when not training.</summary>
    public static Tensor Dropout(Tape tape, Tensor x, float p, Random rng)
    {
        if (!tape.Training || p <= 0f) return x;
        var y = tape.NewTensor(x.Rows, x.Cols, x.RequiresGrad);
        var mask = tape.Rent(x.Length);
        float keep = 1f / (1f - p);
        for (int i = 0; i < x.Length; i++) mask[i] = rng.NextSingle() < p ? 0f : keep;
        TensorPrimitives.Multiply(x.Values, mask.AsSpan(0, x.Length), y.Values);
        if (y.RequiresGrad)
            tape.Record(() => TensorPrimitives.MultiplyAdd(y.Grad, mask.AsSpan(0, x.Length), x.Grad, x.Grad));
        return y;
    }

    private static void CheckSameShape(Tensor a, Tensor b, string op)
    {
        if (a.Rows != b.Rows || a.Cols != b.Cols)
            throw new ArgumentException($"{op}: shapes [{a.Rows}, {a.Cols}] and [{b.Rows}, {b.Cols}] differ");
    }
}
