namespace ImageCaptioning.Model;

/// <summary>
/// Every buffer one decoding call needs, allocated once for up to <see cref="MaxRows"/> rows (beams × images)
/// and <see cref="MaxImages"/> images, so the step loop allocates nothing. Not thread-safe: one per thread.
/// </summary>
public sealed class DecoderWorkspace
{
    public DecoderConfig Config { get; }
    public int MaxRows { get; }
    public int MaxImages { get; }
    /// <summary>Rows currently being decoded.</summary>
    public int Rows { get; set; }

    /// <summary>
    /// Most threads the decoder's products (image preparation and steps) may use (further capped by
    /// <see cref="Numerics.Gemm.MaxThreads"/> and the core count). <see cref="CaptionGenerator"/> sets 1 while other
    /// decodes run at the same time: the process is then already using its cores, and a second thread per product
    /// would only compete with them. An ensemble running its members side by side sets 1 on each member's workspace.
    /// </summary>
    public int MaxThreads { get; set; } = int.MaxValue;

    // Per image (prepared once per image):
    public float[] Features { get; }   // v    [images, P, D]  projected features
    public float[] FeatureAtt { get; } // attF [images, P, A]  W_f v + b_f
    public float[] InitialH { get; }   // h0   [images, H]
    public float[] InitialC { get; }   // c0   [images, H]
    internal float[] MeanFeature { get; } // v̄ [images, D]
    internal float[] ParentParts { get; }      // a parent-cell grid's parent parts g [images, P', parent channels] (else empty)
    internal float[] ParentProjection { get; } // W_parent g + b_p [images, P', D] (else empty)

    // Per row (beam):
    public int[] Tokens { get; }       // y_{t-1} [R]
    public int[] ImageOfRow { get; }   // which image each row reads [R]
    public float[] H { get; private set; }  // [R, H]
    public float[] C { get; private set; }  // [R, H]
    public float[] Alpha { get; }      // α [R, P] attention weights of the last step
    public float[] LogProbs { get; }   // [R, V] log p(y_t | ...) of the last step
    internal float[] HiddenAtt { get; } // [R, A]
    internal float[] Context { get; }   // z and then β⊙z [R, D]
    internal float[] Gate { get; }      // β [R, D]
    internal float[] LstmInput { get; } // [R, M + D + H] = [emb; β⊙z; h]
    internal float[] Gates { get; }     // [R, 4H]
    internal float[] DeepOut { get; }   // o [R, M]
    internal float[] HiddenAttGate { get; } // compact weights: [W_a h + b_a; W_β h + b_β] [R, A + D]
    internal float[] DeepOutInput { get; }  // compact weights: [h_t; β⊙z] [R, H + D]
    private float[] _hSpare, _cSpare;   // double buffers for row reordering and the LSTM's new state
    private readonly int[] _intSpare;

    public DecoderWorkspace(DecoderConfig config, int maxRows, int maxImages)
    {
        Config = config;
        MaxRows = maxRows;
        MaxImages = maxImages;
        int p = config.Positions, d = config.FeatureDim, a = config.AttentionDim, h = config.HiddenDim,
            m = config.EmbeddingDim, v = config.VocabSize;
        Features = new float[maxImages * p * d];
        FeatureAtt = new float[maxImages * p * a];
        InitialH = new float[maxImages * h];
        InitialC = new float[maxImages * h];
        MeanFeature = new float[maxImages * d];
        var parents = config.ParentCells;
        ParentParts = parents is null ? [] : new float[maxImages * parents.ParentPositions * parents.ParentChannels];
        ParentProjection = parents is null ? [] : new float[maxImages * parents.ParentPositions * d];
        Tokens = new int[maxRows];
        ImageOfRow = new int[maxRows];
        H = new float[maxRows * h]; C = new float[maxRows * h];
        _hSpare = new float[maxRows * h]; _cSpare = new float[maxRows * h];
        _intSpare = new int[maxRows];
        Alpha = new float[maxRows * p];
        LogProbs = new float[maxRows * v];
        HiddenAtt = new float[maxRows * a];
        Context = new float[maxRows * d];
        Gate = new float[maxRows * d];
        LstmInput = new float[maxRows * (m + d + h)];
        Gates = new float[maxRows * 4 * h];
        DeepOut = new float[maxRows * m];
        HiddenAttGate = new float[maxRows * (a + d)];
        DeepOutInput = new float[maxRows * (h + d)];
    }

    /// <summary>
    /// The workspaces of an ensemble's other members (see <see cref="DecoderEnsemble"/>); empty for one decoder.
    /// Row reordering is applied to them too, so every member decodes the same rows.
    /// </summary>
    public DecoderWorkspace[] Companions { get; internal set; } = [];

    private float[] _ensembleScratch = [];

    /// <summary>A scratch buffer of at least <paramref name="length"/> floats for the ensemble's averaging (grown once).</summary>
    internal Span<float> EnsembleScratch(int length)
    {
        if (_ensembleScratch.Length < length) _ensembleScratch = new float[MaxRows * Config.VocabSize];
        return _ensembleScratch.AsSpan(0, length);
    }

    /// <summary>Gives the step its output buffers for the new state and swaps them in afterwards.</summary>
    internal (float[] HNext, float[] CNext) NextStateBuffers() => (_hSpare, _cSpare);

    internal void CommitNextState()
    {
        (H, _hSpare) = (_hSpare, H);
        (C, _cSpare) = (_cSpare, C);
    }

    /// <summary>
    /// Beam bookkeeping: new row r continues old row <paramref name="parents"/>[r] (state and image are copied)
    /// and will be fed token <paramref name="tokens"/>[r].
    /// </summary>
    public void ReorderRows(ReadOnlySpan<int> parents, ReadOnlySpan<int> tokens)
    {
        foreach (var companion in Companions) companion.ReorderRows(parents, tokens);
        int h = Config.HiddenDim;
        for (int r = 0; r < parents.Length; r++)
        {
            H.AsSpan(parents[r] * h, h).CopyTo(_hSpare.AsSpan(r * h, h));
            C.AsSpan(parents[r] * h, h).CopyTo(_cSpare.AsSpan(r * h, h));
            _intSpare[r] = ImageOfRow[parents[r]];
        }
        _intSpare.AsSpan(0, parents.Length).CopyTo(ImageOfRow);
        tokens.CopyTo(Tokens);
        Rows = parents.Length;
        CommitNextState();
    }
}
