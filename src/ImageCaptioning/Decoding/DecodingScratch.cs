using ImageCaptioning.Model;

namespace ImageCaptioning.Decoding;

/// <summary>
/// Every buffer one decoding call needs besides the decoder's own workspace, sized for up to
/// <see cref="MaxImages"/> images × <see cref="RowsPerImage"/> hypotheses × <see cref="MaxLength"/> words.
/// Rented from a pool for the duration of one call, so concurrent calls never share one; the step loop
/// allocates nothing.
/// </summary>
internal sealed class DecodingScratch
{
    public DecodingScratch(IStepDecoder decoder, int maxImages, int rowsPerImage, int maxLength)
    {
        var config = decoder.Config;
        MaxImages = maxImages;
        RowsPerImage = rowsPerImage;
        MaxLength = maxLength;
        int maxRows = maxImages * rowsPerImage;
        Workspace = decoder.CreateWorkspace(maxRows, maxImages);
        Live = new HypothesisBuffer(maxRows, maxLength, config.Positions);
        Next = new HypothesisBuffer(maxRows, maxLength, config.Positions);
        Final = new HypothesisBuffer(maxRows, maxLength, config.Positions); // RowsPerImage result slots per image
        Parents = new int[maxRows];
        NextTokens = new int[maxRows];
        SlotOfRow = new int[maxRows];
        NextSlotOfRow = new int[maxRows];
        RowStart = new int[maxImages];
        RowCount = new int[maxImages];
        FinalCount = new int[maxImages];
        CandidateValue = new double[2 * rowsPerImage];
        CandidateRow = new int[2 * rowsPerImage];
        CandidateToken = new int[2 * rowsPerImage];
        Weights = new float[config.VocabSize];
    }

    public int MaxImages { get; }
    public int RowsPerImage { get; }
    public int MaxLength { get; }

    public DecoderWorkspace Workspace { get; }
    /// <summary>Histories of the rows being decoded, and the buffer the next step's rows are copied into.</summary>
    public HypothesisBuffer Live { get; private set; }
    public HypothesisBuffer Next { get; private set; }
    /// <summary>Finished (or, at the end, cut-off) hypotheses: slots [image · RowsPerImage, +RowsPerImage).</summary>
    public HypothesisBuffer Final { get; }

    public int[] Parents { get; }        // [rows] next row r continues old row Parents[r]
    public int[] NextTokens { get; }     // [rows] and is fed NextTokens[r]
    public int[] SlotOfRow { get; private set; }     // [rows] greedy/sampling: the result slot a row fills
    public int[] NextSlotOfRow { get; private set; }
    public int[] RowStart { get; }       // [images] beam search: an image's rows are contiguous
    public int[] RowCount { get; }       // [images]
    public int[] FinalCount { get; }     // [images] filled result slots

    // Beam candidates of one image, best first: cumulative log-prob, parent row, token. 2K of them so that
    // K continue even when up to K of them are <end>.
    public double[] CandidateValue { get; }
    public int[] CandidateRow { get; }
    public int[] CandidateToken { get; }

    /// <summary>[V] sampling weights.</summary>
    public float[] Weights { get; }
    /// <summary>[TopK] sampling: ids and log-probs of the K best words.</summary>
    public int[] TopIds { get; private set; } = [];
    public float[] TopValues { get; private set; } = [];

    public bool Fits(int images, int rowsPerImage, int maxLength) =>
        images <= MaxImages && rowsPerImage <= RowsPerImage && maxLength <= MaxLength;

    /// <summary>Makes room for top-k sampling (before the step loop, so the loop itself never allocates).</summary>
    public void EnsureTopK(int k)
    {
        if (TopIds.Length >= k) return;
        TopIds = new int[k];
        TopValues = new float[k];
    }

    /// <summary>After building the next rows: they become the live rows.</summary>
    public void SwapLive()
    {
        (Live, Next) = (Next, Live);
        (SlotOfRow, NextSlotOfRow) = (NextSlotOfRow, SlotOfRow);
    }
}
