namespace ImageCaptioning.Training;

/// <summary>
/// Deterministic batches — epoch e's shuffle is seeded by (seed, e), so a restarted run resumes mid-epoch on the same batch;
/// each batch is sorted longest-first so it shrinks step by step instead of computing on padding.
/// </summary>
public sealed class BatchSampler
{
    private readonly TrainingSet _set;
    private readonly int _batchSize;
    private readonly int _seed;
    private readonly float[] _grids;

    public BatchSampler(TrainingSet set, int batchSize, int seed)
    {
        _set = set; _batchSize = batchSize; _seed = seed;
        _grids = new float[batchSize * set.Grids.Positions * set.Grids.Channels];
    }

    public int BatchesPerEpoch => (_set.Examples.Count + _batchSize - 1) / _batchSize;

    public int[] EpochOrder(int epoch)
    {
        var order = Enumerable.Range(0, _set.Examples.Count).ToArray();
        new Random(StableSeed.Derive(_seed, epoch)).Shuffle(order);
        return order;
    }

    /// <summary>
    /// Batch <paramref name="index"/> of an epoch's order. The returned batch's grid buffer is reused by the next call.
    /// With mirrored grids, each caption reads its image mirrored with probability ½, decided by (seed, epoch, caption)
    /// so a resumed run sees the same choices.
    /// </summary>
    public CaptionBatch Batch(int[] order, int index, int epoch = 0)
    {
        var picked = order.Skip(index * _batchSize).Take(_batchSize)
            .Select(i => (Example: _set.Examples[i], Mirrored: _set.MirroredGrids is not null && StableSeed.Derive(_seed ^ 0x5EED, (long)epoch * _set.Examples.Count + i) % 2 == 1))
            .OrderByDescending(p => p.Example.Words.Length).ThenBy(p => p.Example.Image, StringComparer.Ordinal).ThenBy(p => p.Mirrored).ToArray();
        int gridSize = _set.Grids.Positions * _set.Grids.Channels;
        int maxSteps = picked[0].Example.Words.Length + 1;
        var tokens = new int[picked.Length * (maxSteps + 1)];
        var lengths = new int[picked.Length];
        for (int b = 0; b < picked.Length; b++)
        {
            var (example, mirrored) = picked[b];
            var grid = _grids.AsSpan(b * gridSize, gridSize);
            if (mirrored && _set.MirroredGrids!.TryGetIndex(example.Image, out int mirroredIndex))
                _set.MirroredGrids.CopyGrid(mirroredIndex, grid);
            else
                _set.Grids.CopyGrid(example.GridIndex, grid);
            int row = b * (maxSteps + 1);
            tokens[row] = Data.Vocabulary.StartId;
            example.Words.CopyTo(tokens, row + 1);
            if (mirrored)
                for (int t = 0; t < example.Words.Length; t++)
                    if (_set.MirroredWords.TryGetValue(example.Words[t], out int swapped)) tokens[row + 1 + t] = swapped;
            tokens[row + 1 + example.Words.Length] = Data.Vocabulary.EndId;
            lengths[b] = example.Words.Length + 1;
        }
        return new CaptionBatch(_grids, tokens, lengths, picked.Select(p => p.Mirrored ? p.Example.Image + " (mirrored)" : p.Example.Image).ToArray());
    }
}
