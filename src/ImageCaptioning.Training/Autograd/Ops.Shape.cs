using System.Numerics.Tensors;
using ImageCaptioning.Model;

namespace ImageCaptioning.Training.Autograd;

public static partial class Ops
{
    /// <summary>Rows of the embedding table: y[r] = E[ids[r]].  E: [V, M] → y: [R, M].</summary>
    public static Tensor Embedding(Tape tape, Tensor table, int[] ids, int count)
    {
        int dim = table.Cols;
        var y = tape.NewTensor(count, dim, table.RequiresGrad);
        DecoderKernels.EmbeddingLookup(table.Values, dim, ids.AsSpan(0, count), y.Values);
        if (y.RequiresGrad)
            tape.Record(() =>
            {   // scatter-add: dE[ids[r]] += dy[r]
                var dE = table.Grad; var dy = y.Grad;
                for (int r = 0; r < count; r++)
                    TensorPrimitives.Add(dE.Slice(ids[r] * dim, dim), dy.Slice(r * dim, dim), dE.Slice(ids[r] * dim, dim));
            });
        return y;
    }

    /// <summary>Side-by-side concatenation of same-height tensors: [R, c1] ‖ [R, c2] ‖ … → [R, Σc].</summary>
    public static Tensor ConcatColumns(Tape tape, params Tensor[] parts)
    {
        int rows = parts[0].Rows, cols = parts.Sum(p => p.Cols);
        if (parts.Any(p => p.Rows != rows)) throw new ArgumentException("ConcatColumns: row counts differ");
        var y = tape.NewTensor(rows, cols, parts.Any(p => p.RequiresGrad));
        var yv = y.Values;
        for (int r = 0; r < rows; r++)
        {
            int offset = r * cols;
            foreach (var part in parts)
            {
                part.Values.Slice(r * part.Cols, part.Cols).CopyTo(yv.Slice(offset, part.Cols));
                offset += part.Cols;
            }
        }
        if (y.RequiresGrad)
            tape.Record(() =>
            {
                var dy = y.Grad;
                for (int r = 0; r < rows; r++)
                {
                    int offset = r * cols;
                    foreach (var part in parts)
                    {
                        if (part.RequiresGrad)
                        {
                            var dPart = part.Grad.Slice(r * part.Cols, part.Cols);
                            TensorPrimitives.Add(dPart, dy.Slice(offset, part.Cols), dPart);
                        }
                        offset += part.Cols;
                    }
                }
            });
        return y;
    }

    /// <summary>Mean over groups of consecutive rows: x [G·n, C] → y [G, C] (the mean feature over the grid).</summary>
    public static Tensor MeanOfRowGroups(Tape tape, Tensor x, int groupSize)
    {
        int groups = x.Rows / groupSize, cols = x.Cols;
        var y = tape.NewTensor(groups, cols, x.RequiresGrad);
        AttentionDecoder.MeanOverPositions(x.Values, groups, groupSize, cols, y.Values);
        if (y.RequiresGrad)
            tape.Record(() =>
            {
                var dx = x.Grad; var dy = y.Grad;
                float scale = 1f / groupSize;
                for (int g = 0; g < groups; g++)
                for (int i = 0; i < groupSize; i++)
                {
                    var row = dx.Slice((g * groupSize + i) * cols, cols);
                    TensorPrimitives.MultiplyAdd(dy.Slice(g * cols, cols), scale, row, row);
                }
            });
        return y;
    }
}
