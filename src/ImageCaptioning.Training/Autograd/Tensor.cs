namespace ImageCaptioning.Training.Autograd;

/// <summary>
/// A 2-D float matrix [Rows, Cols] (row-major) in the autograd graph ([B, P, D] is stored as [B·P, D]); a <em>row view</em>
/// (another tensor's first rows, sharing data and gradient) lets the batch shrink as short captions end, without copying.
/// </summary>
public sealed class Tensor
{
    private readonly Tensor? _viewOf;
    private float[]? _grad;
    private readonly Tape? _tape;

    public int Rows { get; }
    public int Cols { get; }
    public int Length => Rows * Cols;
    /// <summary>Backing array; may be longer than <see cref="Length"/> (pooled).</summary>
    public float[] Data { get; }
    /// <summary>Whether gradients flow into this tensor (parameters and everything computed from them).</summary>
    public bool RequiresGrad { get; }

    public Span<float> Values => Data.AsSpan(0, Length);

    /// <summary>A tensor over an existing array (parameters wrap the decoder's own weight arrays this way).</summary>
    public Tensor(float[] data, int rows, int cols, bool requiresGrad, float[]? grad = null)
    {
        if (data.Length < rows * cols) throw new ArgumentException($"array of {data.Length} cannot hold [{rows}, {cols}]");
        Data = data; Rows = rows; Cols = cols; RequiresGrad = requiresGrad; _grad = grad;
    }

    internal Tensor(Tape tape, float[] data, int rows, int cols, bool requiresGrad)
        : this(data, rows, cols, requiresGrad) => _tape = tape;

    private Tensor(Tensor parent, int rows)
    {
        _viewOf = parent; _tape = parent._tape;
        Data = parent.Data; Rows = rows; Cols = parent.Cols; RequiresGrad = parent.RequiresGrad;
    }

    /// <summary>The first <paramref name="rows"/> rows, sharing data and gradient with this tensor.</summary>
    public Tensor ViewRows(int rows)
    {
        if (rows > Rows) throw new ArgumentOutOfRangeException(nameof(rows));
        return rows == Rows ? this : new Tensor(_viewOf ?? this, rows);
    }

    /// <summary>The gradient buffer (zeroed on first use); a view writes into its parent's.</summary>
    public Span<float> Grad
    {
        get
        {
            if (_viewOf is not null) return _viewOf.Grad[..Length];
            if (_grad is null)
            {
                _grad = _tape is not null ? _tape.Rent(Length) : new float[Length];
                _grad.AsSpan(0, Length).Clear();
            }
            return _grad.AsSpan(0, Length);
        }
    }

    /// <summary>True once something wrote a gradient (lets backward skip untouched branches).</summary>
    public bool HasGrad => _viewOf?.HasGrad ?? _grad is not null;

    internal float[]? GradArray => _viewOf is null ? _grad : null;

    public float Item => Rows * Cols == 1 ? Data[0] : throw new InvalidOperationException($"not a scalar: [{Rows}, {Cols}]");

    public override string ToString() => $"Tensor[{Rows}, {Cols}]{(RequiresGrad ? " (grad)" : "")}";
}
