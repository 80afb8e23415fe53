using System.Buffers;

namespace ImageCaptioning.Training.Autograd;

/// <summary>
/// Reverse-mode autodiff: records every op's backward function during the forward pass and replays them in reverse.
/// Intermediate tensors come from a pool returned on <see cref="Reset"/>, so a warm training step allocates almost nothing.
/// </summary>
public sealed class Tape
{
    private readonly List<Action> _backward = new();
    private readonly List<float[]> _rented = new();
    // A dedicated pool: the shared one keeps too few arrays per size for a 20-step unrolled graph.
    private readonly ArrayPool<float> _pool = ArrayPool<float>.Create(maxArrayLength: 1 << 26, maxArraysPerBucket: 4096);

    /// <summary>Training mode: dropout is active and backward functions are recorded.</summary>
    public bool Training { get; set; } = true;

    public int RecordedOps => _backward.Count;

    /// <summary>A new tensor for an op's output. Its contents are undefined until the op writes them.</summary>
    public Tensor NewTensor(int rows, int cols, bool requiresGrad) => new(this, Rent(rows * cols), rows, cols, requiresGrad);

    /// <summary>A zero-filled tensor.</summary>
    public Tensor Zeros(int rows, int cols, bool requiresGrad)
    {
        var t = NewTensor(rows, cols, requiresGrad);
        t.Values.Clear();
        return t;
    }

    /// <summary>A constant input tensor (no gradient) holding a copy of <paramref name="values"/>.</summary>
    public Tensor Constant(ReadOnlySpan<float> values, int rows, int cols)
    {
        var t = NewTensor(rows, cols, requiresGrad: false);
        values[..(rows * cols)].CopyTo(t.Values);
        return t;
    }

    internal float[] Rent(int length)
    {
        var array = _pool.Rent(Math.Max(length, 1));
        _rented.Add(array);
        return array;
    }

    /// <summary>Records the gradient function of the op that just ran (only when some input needs gradients).</summary>
    public void Record(Action backward)
    {
        if (Training) _backward.Add(backward);
    }

    /// <summary>Back-propagates from a scalar <paramref name="loss"/> (d loss / d loss = 1).</summary>
    public void Backward(Tensor loss)
    {
        if (loss.Length != 1) throw new InvalidOperationException("Backward starts from a scalar loss.");
        loss.Grad[0] = 1f;
        for (int i = _backward.Count - 1; i >= 0; i--)
            _backward[i]();
    }

    /// <summary>Forgets the graph and returns every intermediate buffer to the pool.</summary>
    public void Reset()
    {
        _backward.Clear();
        foreach (var array in _rented) _pool.Return(array);
        _rented.Clear();
    }
}
