namespace ImageCaptioning.Training;

/// <summary>
/// Deterministic batches: epoch e shuffles the captions with seed (seed, e), cuts them into batches and sorts each
/// batch longest-first (so the batch shrinks step by step instead of computing on padding). Batch k of epoch e is
/// therefore reproducible after a restart, which is what lets training resume mid-epoch.
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

    /// <summary>Batch <paramref name="index"/> of an epoch's order. The returned batch's grid buffer is reused by the next call.</summary>
    public CaptionBatch Batch(int[] order, int index)
    {
        var picked = order.Skip(index * _batchSize).Take(_batchSize).Select(i => _set.Examples[i])
            .OrderByDescending(e => e.Words.Length).ThenBy(e => e.Image, StringComparer.Ordinal).ToArray();
        int gridSize = _set.Grids.Positions * _set.Grids.Channels;
        int maxSteps = picked[0].Words.Length + 1;
        var tokens = new int[picked.Length * (maxSteps + 1)];
        var lengths = new int[picked.Length];
        for (int b = 0; b < picked.Length; b++)
        {
            _set.Grids.CopyGrid(picked[b].GridIndex, _grids.AsSpan(b * gridSize, gridSize));
            int row = b * (maxSteps + 1);
            tokens[row] = Data.Vocabulary.StartId;
            picked[b].Words.CopyTo(tokens, row + 1);
            tokens[row + 1 + picked[b].Words.Length] = Data.Vocabulary.EndId;
            lengths[b] = picked[b].Words.Length + 1;
        }
        return new CaptionBatch(_grids, tokens, lengths, picked.Select(e => e.Image).ToArray());
    }
}
