using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using ImageCaptioning.Numerics;

namespace ImageCaptioning.Model;

/// <summary>
/// The Show-Attend-Tell decoder (Xu et al. 2015, soft attention, deep output), forward only, for inference.
/// The training engine builds the same computation from the same <see cref="DecoderKernels"/>.
///
/// Per image (once):                                                 shapes
///   v_i  = ReLU(W_p f_i + b_p)          projected features           f: [P, E] → v: [P, D]
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
/// </summary>
public sealed class AttentionDecoder : IStepDecoder
{
    /// <summary>
    /// Up to this many rows a step reads the compact (float16 or int8) snapshot when there is one: batch 1 (greedy, beam
    /// ≤ 8, the default beam 5 included), where the products read each weight about once and are bound by memory
    /// traffic. With more rows each weight is reused by every row, the compact kernel widens it again for each group of
    /// 4 rows, and the float32 GEMM (whose multi-row paths are tuned and may use every core) catches up
    /// (<c>bench decoder --precision</c> measures where).
    /// </summary>
    public const int CompactWeightsMaxRows = 8;

    private readonly CompactStepWeights? _compact;

    public DecoderParameters Parameters { get; }
    public DecoderConfig Config => Parameters.Config;

    /// <summary>The precision the per-step products read (see <see cref="DecoderWeightPrecision"/>).</summary>
    public DecoderWeightPrecision WeightPrecision => _compact?.Precision ?? DecoderWeightPrecision.Float32;

    /// <summary>
    /// A decoder on <paramref name="parameters"/>. With <see cref="DecoderWeightPrecision.Float32"/> (the default) it reads
    /// the arrays themselves and sees every later change to them (the trainer's dev evaluation relies on that).
    /// With <see cref="DecoderWeightPrecision.Float16"/> or <see cref="DecoderWeightPrecision.Int8"/> it takes a
    /// <see cref="CompactStepWeights"/> snapshot now (tens of milliseconds) and its steps at up to
    /// <see cref="CompactWeightsMaxRows"/> rows read that: later changes
    /// to the per-step matrices are not seen, so build it only on weights that no longer change.
    /// </summary>
    public AttentionDecoder(DecoderParameters parameters, DecoderWeightPrecision precision = DecoderWeightPrecision.Float32)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters;
        _compact = precision == DecoderWeightPrecision.Float32 ? null : new CompactStepWeights(parameters, precision);
    }

    public DecoderWorkspace CreateWorkspace(int maxRows, int maxImages) => new(Config, maxRows, maxImages);

    /// <summary>
    /// Projects the encoder grids of <paramref name="images"/> images and sets each image's initial state.
    /// grids: [images, P, E] position-major.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void PrepareImages(ReadOnlySpan<float> grids, int images, DecoderWorkspace ws)
    {
        var p = Parameters;
        int P = Config.Positions, E = Config.EncoderDim, D = Config.FeatureDim, A = Config.AttentionDim, H = Config.HiddenDim;
        if (images > ws.MaxImages) throw new ArgumentOutOfRangeException(nameof(images), $"workspace holds {ws.MaxImages} images");
        if (grids.Length < images * P * E) throw new ArgumentException($"expected {images}×{P}×{E} features", nameof(grids));
        int threads = ws.MaxThreads;
        var v = ws.Features.AsSpan(0, images * P * D);
        DecoderKernels.Linear(grids[..(images * P * E)], images * P, E, p.FeatureProjWeight, p.FeatureProjBias, D, v, maxThreads: threads); // [N·P, D]
        TensorPrimitives.Max(v, 0f, v);                                                                               // ReLU
        DecoderKernels.Linear(v, images * P, D, p.FeatureAttWeight, p.FeatureAttBias, A, ws.FeatureAtt, maxThreads: threads); // [N·P, A]
        var mean = ws.MeanFeature.AsSpan(0, images * D);
        if (Config.InitialStateFromFeatures) MeanOverPositions(v, images, P, D, mean);                                 // [N, D]
        else mean.Clear();                                                                                             // learned h0, c0
        DecoderKernels.Linear(mean, images, D, p.InitHWeight, p.InitHBias, H, ws.InitialH, maxThreads: threads);     // [N, H]
        TensorPrimitives.Tanh(ws.InitialH.AsSpan(0, images * H), ws.InitialH.AsSpan(0, images * H));
        DecoderKernels.Linear(mean, images, D, p.InitCWeight, p.InitCBias, H, ws.InitialC, maxThreads: threads);
        TensorPrimitives.Tanh(ws.InitialC.AsSpan(0, images * H), ws.InitialC.AsSpan(0, images * H));
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
    /// One decoding step for the workspace's rows: reads Tokens, H, C, ImageOfRow; writes LogProbs [R, V],
    /// Alpha [R, P] and the new H, C. Allocates nothing.
    /// The decoding path (this, <see cref="PrepareImages"/>, <see cref="DecoderKernels"/>, the searches) is compiled fully
    /// optimised on first call: a caption takes a few milliseconds, and tiered JIT's promotion (after ~30 calls plus a
    /// 100 ms quiet period, longer on a busy machine) left the first seconds of decoding slower.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(DecoderWorkspace ws)
    {
        var p = Parameters;
        int R = ws.Rows, P = Config.Positions, D = Config.FeatureDim, A = Config.AttentionDim, H = Config.HiddenDim,
            M = Config.EmbeddingDim, V = Config.VocabSize, X = M + D + H;
        var compact = R <= CompactWeightsMaxRows ? _compact : null;
        int threads = ws.MaxThreads;                    // 1 while an ensemble runs its members side by side
        var gemm = CompactGemmPlan.DefaultOptions();
        gemm = gemm with { MaxThreads = Math.Min(gemm.MaxThreads, threads) };
        var rowsImage = ws.ImageOfRow.AsSpan(0, R);
        var h = ws.H.AsSpan(0, R * H);

        // Attention over the grid.
        var attH = ws.HiddenAtt.AsSpan(0, R * A);
        var beta = ws.Gate.AsSpan(0, R * D);
        if (compact is null)
        {
            DecoderKernels.Linear(h, R, H, p.HiddenAttWeight, p.HiddenAttBias, A, attH, maxThreads: threads); // [R, A]
            DecoderKernels.Linear(h, R, H, p.GateWeight, p.GateBias, D, beta, maxThreads: threads);           // [R, D]
        }
        else
        {
            var both = ws.HiddenAttGate.AsSpan(0, R * (A + D));                                           // [R, A + D]
            CompactGemm.Multiply(gemm, h, R, H, compact.HiddenAttGate, compact.HiddenAttGateBias, both, A + D);
            for (int r = 0; r < R; r++)
            {
                both.Slice(r * (A + D), A).CopyTo(attH.Slice(r * A, A));
                both.Slice(r * (A + D) + A, D).CopyTo(beta.Slice(r * D, D));
            }
        }
        var alpha = ws.Alpha.AsSpan(0, R * P);
        DecoderKernels.AttentionScores(ws.FeatureAtt, attH, p.ScoreWeight, R, P, A, rowsImage, alpha);    // e [R, P]
        DecoderKernels.SoftmaxRows(alpha, R, P);                                                          // α [R, P]
        var z = ws.Context.AsSpan(0, R * D);
        DecoderKernels.WeightedSum(alpha, ws.Features, R, P, D, rowsImage, z);                            // z [R, D]
        TensorPrimitives.Sigmoid(beta, beta);                                                             // β [R, D]
        TensorPrimitives.Multiply(z, beta, z);                                                            // β⊙z [R, D]

        // LSTM on [E y; β⊙z; h].
        var x = ws.LstmInput.AsSpan(0, R * X);
        for (int r = 0; r < R; r++)
        {
            p.Embedding.AsSpan(ws.Tokens[r] * M, M).CopyTo(x.Slice(r * X, M));
            z.Slice(r * D, D).CopyTo(x.Slice(r * X + M, D));
            h.Slice(r * H, H).CopyTo(x.Slice(r * X + M + D, H));
        }
        var gates = ws.Gates.AsSpan(0, R * 4 * H);
        if (compact is null) DecoderKernels.Linear(x, R, X, p.LstmWeight, p.LstmBias, 4 * H, gates, maxThreads: threads); // [R, 4H]
        else
        {
            for (int r = 0; r < R; r++)                                                                   // W_e E[y] from the table
                compact.LstmByToken.AsSpan(ws.Tokens[r] * 4 * H, 4 * H).CopyTo(gates.Slice(r * 4 * H, 4 * H));
            CompactGemm.Multiply(gemm, x[M..], R, X, compact.LstmRest, compact.LstmBias, gates, 4 * H, accumulate: true); // + W_rest [β⊙z; h] + b
        }
        var (hNext, cNext) = ws.NextStateBuffers();
        DecoderKernels.LstmCell(gates, ws.C.AsSpan(0, R * H), R, H, cNext, hNext);                        // h_t, c_t [R, H]
        ws.CommitNextState();

        // Deep output → log-probabilities.
        var o = ws.DeepOut.AsSpan(0, R * M);
        if (compact is null)
        {
            DecoderKernels.Linear(ws.H.AsSpan(0, R * H), R, H, p.OutHiddenWeight, p.OutHiddenBias, M, o, maxThreads: threads); // L_h h_t + b
            DecoderKernels.Linear(z, R, D, p.OutContextWeight, default, M, o, accumulate: true, maxThreads: threads); // + L_z β⊙z
        }
        else
        {
            var deepIn = ws.DeepOutInput.AsSpan(0, R * (H + D));                                         // [h_t; β⊙z] [R, H + D]
            for (int r = 0; r < R; r++)
            {
                ws.H.AsSpan(r * H, H).CopyTo(deepIn.Slice(r * (H + D), H));
                z.Slice(r * D, D).CopyTo(deepIn.Slice(r * (H + D) + H, D));
            }
            CompactGemm.Multiply(gemm, deepIn, R, H + D, compact.DeepOutput, compact.DeepOutputBias, o, M);                 // [L_h | L_z]·[h_t; β⊙z] + b
        }
        for (int r = 0; r < R; r++)
            TensorPrimitives.Add(o.Slice(r * M, M), x.Slice(r * X, M), o.Slice(r * M, M));               // + E y_{t-1}
        var logp = ws.LogProbs.AsSpan(0, R * V);
        if (compact is null) DecoderKernels.Linear(o, R, M, p.OutputWeight, p.OutputBias, V, logp, maxThreads: threads); // logits [R, V]
        else CompactGemm.Multiply(gemm, o, R, M, compact.Output, compact.OutputBias, logp, V);
        DecoderKernels.LogSoftmaxRows(logp, logp, R, V);
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
