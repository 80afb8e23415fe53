using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace ImageCaptioning.Model;

/// <summary>
/// The Show-Attend-Tell decoder (Xu et al. 2015, soft attention, deep output), forward only, for inference.
/// The training engine builds the same computation from the same <see cref="DecoderKernels"/>.
///
/// Per image (once):                                                 shapes
///   v_i  = ReLU(W_p f_i + b_p)          projected features           f: [P, E] → v: [P, D]
///          (a grid whose cells end with their parent cell's channels, <see cref="ParentCellLayout"/>, projects
///          each parent's part once and adds it to its cells: the same sum)
///   attF = W_f v + b_f                  attention keys               [P, A]
///   h0   = tanh(W_h0 v̄ + b), c0 = tanh(W_c0 v̄ + b'), v̄ = mean_i v_i  [H]
///          (initial_state "learned": v̄ = 0, so h0 = tanh(b), c0 = tanh(b'))
/// Per step t, for every row r (a beam of some image):
///   e_i  = wᵀ tanh(attF_i + W_a h_{t-1} + b_a)                      [R, P]
///   α    = softmax(e)                   where the model looks        [R, P]
///   z    = Σ_i α_i v_i                  context                      [R, D]
///   β    = σ(W_β h_{t-1} + b_β)         "is there something to see"  [R, D]
///   x    = [E y_{t-1}; β⊙z; h_{t-1}]                                 [R, M + D + H]
///   gates= W_lstm x + b_lstm  → LSTM cell → h_t, c_t                 [R, 4H] → [R, H]
///   o    = E y_{t-1} + L_h h_t + b_h + L_z (β⊙z)   deep output       [R, M]
///   logp = log_softmax(W_o o + b_o)                                  [R, V]
/// The sizes are <see cref="DecoderConfig"/>'s, the tensors <see cref="DecoderParameters"/>'; the step's four weight
/// products run in the precision chosen here once (<see cref="IStepWeights"/>, Precision/).
/// </summary>
public sealed class AttentionDecoder : IStepDecoder
{
    /// <summary>Most rows per step that read a Float16 snapshot; larger steps read the float32 parameters (Int8 reads int8 at any size).</summary>
    public const int CompactWeightsMaxRows = CompactStepWeights.MaxRows;

    private readonly IStepWeights _weights;
    private readonly PackedImageProjection? _packedProjection;   // a snapshot's per-image weights, packed once

    public DecoderParameters Parameters { get; }
    public DecoderConfig Config => Parameters.Config;

    /// <summary>The precision the per-step products read (see <see cref="DecoderWeightPrecision"/>).</summary>
    public DecoderWeightPrecision WeightPrecision => _weights.Precision;

    /// <summary>
    /// A decoder on <paramref name="parameters"/>. Float32 (the default) reads the arrays themselves and sees every later
    /// change to them; Float16 or Int8 takes a snapshot of the per-step matrices now, so use it only on weights that no
    /// longer change.
    /// </summary>
    public AttentionDecoder(DecoderParameters parameters, DecoderWeightPrecision precision = DecoderWeightPrecision.Float32)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters;
        _weights = precision switch
        {
            DecoderWeightPrecision.Float32 => new Float32StepWeights(parameters),
            DecoderWeightPrecision.Int8 => new Int8StepWeights(parameters),
            _ => new CompactStepWeights(parameters),
        };
        _packedProjection = precision == DecoderWeightPrecision.Float32 ? null : new PackedImageProjection(parameters);
    }

    public DecoderWorkspace CreateWorkspace(int maxRows, int maxImages) => new(Config, maxRows, maxImages);

    /// <summary>
    /// Projects the encoder grids of <paramref name="images"/> images and sets each image's initial state.
    /// grids: [images, P, E] position-major.
    /// </summary>
    public void PrepareImages(ReadOnlySpan<float> grids, int images, DecoderWorkspace ws) => PrepareImages(grids, 0, images, ws);

    /// <summary>
    /// <see cref="PrepareImages(ReadOnlySpan{float}, int, DecoderWorkspace)"/> for images [first, first + images) of the
    /// workspace only, reading their grids from grids [first + images, P, E]: images are independent, so an ensemble can
    /// prepare one member's images on two threads (disjoint parts of the workspace).
    /// </summary>
    internal void PrepareImages(ReadOnlySpan<float> grids, int first, int images, DecoderWorkspace ws) =>
        PrepareImages(grids, first, images, ws, StepPart.Whole);

    /// <summary>
    /// The same computed by <paramref name="part"/>.Count threads together: each computes its share of the output columns
    /// of the projections (the same outputs as whole), meeting where attF needs all of v; part 0 then sets the initial state.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void PrepareImages(ReadOnlySpan<float> grids, int first, int images, DecoderWorkspace ws, StepPart part)
    {
        var p = Parameters;
        int P = Config.Positions, E = Config.EncoderDim, D = Config.FeatureDim, A = Config.AttentionDim, H = Config.HiddenDim;
        if (first + images > ws.MaxImages) throw new ArgumentOutOfRangeException(nameof(images), $"workspace holds {ws.MaxImages} images");
        if (grids.Length < (first + images) * P * E) throw new ArgumentException($"expected {first + images}×{P}×{E} features", nameof(grids));
        int threads = ws.MaxThreads;
        grids = grids.Slice(first * P * E, images * P * E);
        var v = ws.Features.AsSpan(first * P * D, images * P * D);
        var packed = _packedProjection?.For(part);                                                                     // null: pack per call
        if (Config.ParentCells is { } layout)                                                                          // W_p f + b_p [N·P, D],
            DecoderKernels.ParentCellLinear(grids, images, layout, p.FeatureProjWeight, p.FeatureProjBias, D, v,      // each parent cell
                ws.ParentParts.AsSpan(first * layout.ParentPositions * layout.ParentChannels),                        // projected once
                ws.ParentProjection.AsSpan(first * layout.ParentPositions * D), part, threads, packed?.Own, packed?.Parent);
        else
            DecoderKernels.Linear(grids, images * P, E, p.FeatureProjWeight, p.FeatureProjBias, D, v, part, threads, packed?.Own); // [N·P, D]
        var (c0, c1) = part.Columns(D);
        if (part.IsWhole) TensorPrimitives.Max(v, 0f, v);                                                            // ReLU
        else
            for (int i = 0; i < images * P; i++) TensorPrimitives.Max(v.Slice(i * D + c0, c1 - c0), 0f, v.Slice(i * D + c0, c1 - c0));
        part.Sync();                                                                                                   // v complete
        DecoderKernels.Linear(v, images * P, D, p.FeatureAttWeight, p.FeatureAttBias, A, ws.FeatureAtt.AsSpan(first * P * A, images * P * A),
            part, threads, packed?.Attention);                                                                         // [N·P, A]
        if (part.Index != 0) return;
        var mean = ws.MeanFeature.AsSpan(first * D, images * D);
        if (Config.InitialStateFromFeatures) MeanOverPositions(v, images, P, D, mean);                                 // [N, D]
        else mean.Clear();                                                                                             // learned h0, c0
        var h0 = ws.InitialH.AsSpan(first * H, images * H);
        var c0State = ws.InitialC.AsSpan(first * H, images * H);
        DecoderKernels.Linear(mean, images, D, p.InitHWeight, p.InitHBias, H, h0, maxThreads: threads);              // [N, H]
        TensorPrimitives.Tanh(h0, h0);
        DecoderKernels.Linear(mean, images, D, p.InitCWeight, p.InitCBias, H, c0State, maxThreads: threads);
        TensorPrimitives.Tanh(c0State, c0State);
    }

    /// <summary>Starts <paramref name="rowsPerImage"/> rows per image at the initial state, all fed <c>&lt;start&gt;</c>.</summary>
    public void StartRows(DecoderWorkspace ws, int images, int rowsPerImage, int startToken)
    {
        int H = Config.HiddenDim;
        int rows = images * rowsPerImage;
        if (rows > ws.MaxRows) throw new ArgumentOutOfRangeException(nameof(rowsPerImage), $"workspace holds {ws.MaxRows} rows");
        for (int r = 0; r < rows; r++)
        {
            int image = r / rowsPerImage;
            ws.ImageOfRow[r] = image;
            ws.Tokens[r] = startToken;
            ws.InitialH.AsSpan(image * H, H).CopyTo(ws.H.AsSpan(r * H, H));
            ws.InitialC.AsSpan(image * H, H).CopyTo(ws.C.AsSpan(r * H, H));
        }
        ws.Rows = rows;
    }

    /// <summary>
    /// One decoding step for the workspace's rows: reads Tokens, H, C, ImageOfRow; writes LogProbs [R, V], Alpha [R, P]
    /// and the new H, C. Allocates nothing, unless ws.MaxThreads lets it split a large product or a large attention
    /// (many rows over a fine grid) across threads.
    /// </summary>
    public void Step(DecoderWorkspace ws)
    {
        StepRows(ws, 0, ws.Rows);
        ws.CommitNextState();
    }

    /// <summary>
    /// The step of rows [first, first + rows) only, leaving their new state in the workspace's next-state buffers until
    /// <see cref="DecoderWorkspace.CommitNextState"/>: rows are independent within a step, so an ensemble can run one
    /// member's rows on two threads. Every row gets the same bits as in a step of all the rows.
    /// </summary>
    internal void StepRows(DecoderWorkspace ws, int first, int rows) => StepRows(ws, first, rows, StepPart.Whole);

    /// <summary>True when two threads can compute a step of <paramref name="rows"/> rows together (<see cref="StepPart"/>).</summary>
    internal bool CanStepInParts(int rows) => _weights.CanShare(rows);

    /// <summary>
    /// <see cref="StepRows(DecoderWorkspace, int, int)"/> computed by <paramref name="part"/>.Count threads together, this
    /// one doing part <paramref name="part"/>.Index of every product's outputs and of every row loop and meeting the others
    /// at each Sync; whole, it is the ordinary step (the Syncs do nothing). The same bits either way. Compiled fully
    /// optimised at once: tiered JIT left the first captions slower.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void StepRows(DecoderWorkspace ws, int first, int rows, StepPart part)
    {
        var p = Parameters;
        int R = rows, D = Config.FeatureDim, A = Config.AttentionDim, H = Config.HiddenDim,
            M = Config.EmbeddingDim, V = Config.VocabSize, X = M + D + H;
        var h = ws.H.AsSpan(first * H, R * H);                                                            // h_{t-1} [R, H]
        var tokens = ws.Tokens.AsSpan(first, R);
        var (r0, r1) = part.Rows(R);                                                                      // this part's rows of the row-wise work
        int n = r1 - r0;

        // Attention: where to look, and what is seen there.
        var attH = ws.HiddenAtt.AsSpan(first * A, R * A);
        var beta = ws.Gate.AsSpan(first * D, R * D);
        _weights.HiddenProjections(h, R, attH, beta, ws, part);                                           // W_a h + b_a [R, A], W_β h + b_β [R, D]
        part.Sync();
        var z = ws.Context.AsSpan(first * D, R * D);
        int threads = part.IsWhole ? AttentionThreads(ws, R) : 1;
        if (threads > 1) AttendInParallel(ws, first, R, threads);                                        // the same, rows split
        else AttendRows(ws, first + r0, n);                                                               // α [R, P], z [R, D]

        // Gate: how much of the context to let in.
        if (n > 0)                                                                                        // (a part may have no rows)
        {
            TensorPrimitives.Sigmoid(beta.Slice(r0 * D, n * D), beta.Slice(r0 * D, n * D));              // β [R, D]
            TensorPrimitives.Multiply(z.Slice(r0 * D, n * D), beta.Slice(r0 * D, n * D), z.Slice(r0 * D, n * D)); // β⊙z [R, D]
        }

        // LSTM on x = [E y; β⊙z; h].
        var x = ws.LstmInput.AsSpan(first * X, R * X);                                                    // [R, M + D + H]
        for (int r = r0; r < r1; r++)
        {
            p.Embedding.AsSpan(tokens[r] * M, M).CopyTo(x.Slice(r * X, M));
            z.Slice(r * D, D).CopyTo(x.Slice(r * X + M, D));
            h.Slice(r * H, H).CopyTo(x.Slice(r * X + M + D, H));
        }
        part.Sync();
        var gates = ws.Gates.AsSpan(first * 4 * H, R * 4 * H);
        _weights.LstmGates(tokens, x, R, gates, ws, part);                                                // W_lstm x + b [R, 4H]
        part.Sync();
        var (hBuffer, cBuffer) = ws.NextStateBuffers();
        var hNext = hBuffer.AsSpan(first * H, R * H);
        DecoderKernels.LstmCell(gates.Slice(r0 * 4 * H, n * 4 * H), ws.C.AsSpan((first + r0) * H, n * H), n, H,
            cBuffer.AsSpan((first + r0) * H, n * H), hNext.Slice(r0 * H, n * H));                        // h_t, c_t [R, H]
        part.Sync();

        // Deep output → log-probabilities.
        var o = ws.DeepOut.AsSpan(first * M, R * M);
        _weights.DeepOutput(hNext, z, R, o, ws, part);                                                    // L_h h_t + b_h + L_z β⊙z [R, M]
        var (m0, m1) = part.Columns(M);
        for (int r = 0; r < R; r++)
            TensorPrimitives.Add(o.Slice(r * M + m0, m1 - m0), x.Slice(r * X + m0, m1 - m0), o.Slice(r * M + m0, m1 - m0)); // + E y_{t-1}
        part.Sync();
        var logp = ws.LogProbs.AsSpan(first * V, R * V);
        _weights.Logits(o, R, logp, ws, part);                                                            // W_o o + b_o [R, V]
        part.Sync();
        DecoderKernels.LogSoftmaxRows(logp.Slice(r0 * V, n * V), logp.Slice(r0 * V, n * V), n, V);        // log p(y_t) [R, V]
    }

    /// <summary>
    /// True when both halves of a step of <paramref name="rows"/> rows (<c>rows / 2</c> and the rest) take the same product
    /// paths as the whole step, so <see cref="StepRows"/> on each gives the whole step's bits: all three above the compact
    /// weights' rows (whose scratch the halves would share), and all on the same side of the GEMM's skinny/packed switch.
    /// </summary>
    internal static bool SplitsExactly(int rows)
    {
        static int Path(int r) => r <= CompactWeightsMaxRows ? 0 : r <= Numerics.GemmPlan.SkinnyMaxRows ? 1 : 2;
        int path = Path(rows);
        return path != 0 && Path(rows / 2) == path && Path(rows - rows / 2) == path;
    }

    /// <summary>
    /// Fewest attention values (rows × P × A tanh) a step must have before its attention is split across threads: a
    /// batch's many rows over a fine grid, not a lone caption's few rows (whose step stays allocation-free).
    /// </summary>
    internal const int ParallelAttentionMinValues = 1 << 18;

    /// <summary>Threads for this step's attention: 1 unless there is enough of it and the workspace may use more cores.</summary>
    private int AttentionThreads(DecoderWorkspace ws, int rows)
    {
        if ((long)rows * Config.Positions * Config.AttentionDim < ParallelAttentionMinValues) return 1;
        return Math.Min(rows, Math.Min(ws.MaxThreads, Math.Min(Numerics.Gemm.MaxThreads, Environment.ProcessorCount)));
    }

    /// <summary>
    /// The step's attention (scores, softmax, context) with the rows cut into contiguous shares, one share per thread
    /// at a time: each row is computed by the same code as on one thread, so the result does not depend on the split.
    /// Reads ws.HiddenAtt, FeatureAtt, Features, ImageOfRow; writes ws.Alpha [R, P] and ws.Context (z) [R, D].
    /// </summary>
    private void AttendInParallel(DecoderWorkspace ws, int firstRow, int R, int threads)
    {
        int shares = Math.Min(R, 4 * threads);   // more shares than threads: a thread that loses its core holds up less
        Parallel.For(0, shares, new ParallelOptions { MaxDegreeOfParallelism = threads }, s =>
        {
            int first = (int)((long)R * s / shares);
            AttendRows(ws, firstRow + first, (int)((long)R * (s + 1) / shares) - first);
        });
    }

    /// <summary>The attention of rows [first, first + rows): reads ws.HiddenAtt, FeatureAtt, Features, ImageOfRow; writes ws.Alpha, ws.Context.</summary>
    private void AttendRows(DecoderWorkspace ws, int first, int rows)
    {
        int P = Config.Positions, D = Config.FeatureDim, A = Config.AttentionDim;
        var rowsImage = ws.ImageOfRow.AsSpan(first, rows);
        var alpha = ws.Alpha.AsSpan(first * P, rows * P);
        DecoderKernels.AttentionScores(ws.FeatureAtt, ws.HiddenAtt.AsSpan(first * A, rows * A), Parameters.ScoreWeight, rows, P, A, rowsImage, alpha); // e [rows, P]
        DecoderKernels.SoftmaxRows(alpha, rows, P);                                                                                            // α [rows, P]
        DecoderKernels.WeightedSum(alpha, ws.Features, rows, P, D, rowsImage, ws.Context.AsSpan(first * D, rows * D));                         // z [rows, D]
    }

    /// <summary>mean[n, d] = (1/P) Σ_i v[n, i, d].</summary>
    internal static void MeanOverPositions(ReadOnlySpan<float> v, int images, int positions, int dim, Span<float> mean)
    {
        for (int n = 0; n < images; n++)
        {
            var row = mean.Slice(n * dim, dim);
            row.Clear();
            for (int i = 0; i < positions; i++)
                TensorPrimitives.Add(row, v.Slice((n * positions + i) * dim, dim), row);
            TensorPrimitives.Multiply(row, 1f / positions, row);
        }
    }
}
