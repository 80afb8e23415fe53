namespace ImageCaptioning.Model;

/// <summary>
/// Which part of one member's step (or image preparation) this thread computes when two threads compute it together:
/// part <see cref="Index"/> of <see cref="Count"/> of every product's outputs and of every row loop, meeting at
/// <see cref="Sync"/> where the next phase reads what both wrote. <see cref="Whole"/> (one part, no barrier) is the
/// ordinary single-threaded step. Outputs are cut at multiples of <see cref="ColumnGranule"/>, where the products' own
/// column tiles end, so each output is the same dot product in the same order whichever part computes it.
/// </summary>
internal readonly record struct StepPart(int Index, int Count, TwoThreadBarrier? Barrier)
{
    /// <summary>The whole job on one thread.</summary>
    public static StepPart Whole => new(0, 1, null);

    /// <summary>Outputs are cut at multiples of this (a multiple of every product kernel's column tile).</summary>
    public const int ColumnGranule = 64;

    public bool IsWhole => Count == 1;

    /// <summary>This part's share [start, end) of <paramref name="outputs"/> product outputs.</summary>
    public (int Start, int End) Columns(int outputs)
    {
        if (IsWhole) return (0, outputs);
        int granules = (outputs + ColumnGranule - 1) / ColumnGranule;
        return (Math.Min(outputs, granules * Index / Count * ColumnGranule), Math.Min(outputs, granules * (Index + 1) / Count * ColumnGranule));
    }

    /// <summary>This part's share [start, end) of <paramref name="rows"/> rows.</summary>
    public (int Start, int End) Rows(int rows) => IsWhole ? (0, rows) : (rows * Index / Count, rows * (Index + 1) / Count);

    /// <summary>Threads one product of this part may use: the workspace's cap when whole, one per part when shared.</summary>
    public int ProductThreads(DecoderWorkspace ws) => IsWhole ? ws.MaxThreads : 1;

    /// <summary>Waits until every part has reached this point (nothing when whole).</summary>
    public void Sync() => Barrier?.SignalAndWait();
}
