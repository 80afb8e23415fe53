namespace ImageCaptioning.Model;

/// <summary>
/// A grid of Side×Side cells whose feature vector is the cell's own <see cref="OwnChannels"/> values followed by the
/// <see cref="ParentChannels"/> values of the coarser cell that covers it: a (Side/2)×(Side/2) grid, each parent cell
/// covering 2×2 cells (cell (row, col) → parent (row / 2, col / 2)). Four cells carry each parent's values, so the decoder
/// projects the parents once (<see cref="DecoderKernels.ParentCellLinear"/>). The encoder's "14x14+7x7" grid is
/// <see cref="FineWithContext"/>; a decoder recognises it by its config's size (<see cref="DecoderConfig.ParentCells"/>).
/// </summary>
public sealed record ParentCellLayout(int Side, int OwnChannels, int ParentChannels)
{
    /// <summary>14×14 cells of 576 channels, each followed by its 7×7 parent cell's 1280 (the encoder's "14x14+7x7" grid).</summary>
    public static ParentCellLayout FineWithContext { get; } = new(14, 576, 1280);

    /// <summary>Cells: Side², index <c>p = row * Side + col</c>.</summary>
    public int Positions => Side * Side;

    /// <summary>Channels of a cell: its own, then its parent's.</summary>
    public int Channels => OwnChannels + ParentChannels;

    /// <summary>Parent cells: (Side/2)², index <c>q = row * Side/2 + col</c>.</summary>
    public int ParentPositions => Side / 2 * (Side / 2);

    /// <summary>The parent cell that covers cell <paramref name="position"/>.</summary>
    public int ParentOf(int position) => position / Side / 2 * (Side / 2) + position % Side / 2;

    /// <summary>The top-left of the four cells parent <paramref name="parent"/> covers (any of them carries its values).</summary>
    public int FirstChildOf(int parent) => parent / (Side / 2) * 2 * Side + parent % (Side / 2) * 2;

    /// <summary>The layout a decoder of <paramref name="positions"/> × <paramref name="channels"/> features reads, or null (a plain grid).</summary>
    public static ParentCellLayout? Of(int positions, int channels) =>
        positions == FineWithContext.Positions && channels == FineWithContext.Channels ? FineWithContext : null;
}
