using ImageCaptioning.Training.Autograd;

namespace ImageCaptioning.Training;

/// <summary>
/// The training forward pass of the decoder, op for op the computation <see cref="AttentionDecoder"/> documents
/// (and built from the same kernels), with teacher forcing, dropout on the deep output, the
/// attention-coverage regulariser and the optional attention-entropy penalty. Shapes: B captions, P positions, E/D/A/H/M/V as in <see cref="DecoderConfig"/>.
/// </summary>
public static class DecoderGraph
{
    /// <param name="Dropout">Dropout rate on the deep output; null = the model config's rate. Self-critical training
    /// turns it off so the log-probabilities it weights are those of the policy that sampled the captions.</param>
    /// <param name="FeatureDropout">Dropout on the projected features v [B·P, D] (training only): the decoder cannot lean on
    /// a few exact feature values of an image it has seen five captions of, which is how it memorises the training set.</param>
    /// <param name="EmbeddingDropout">Dropout on the word embeddings E y [R, M] (training only).</param>
    /// <param name="AttentionEntropy">μ of the attention-entropy penalty, μ · mean over predicted rows of H(α_t) / ln P
    /// (0 = off): a training objective only, the model and its inference are unchanged.</param>
    /// <param name="EntropyTargets">Per vocabulary id, whether a row predicting that word counts in the attention-entropy
    /// penalty (e.g. content words only, as the attention statistics count them); null = every predicted row.</param>
    /// <param name="Temperature">The cross-entropy is that of softmax(logits / T): self-critical training with a sampling
    /// temperature weights the log-probability of the tempered policy that sampled the captions (1 = the model's own).</param>
    public sealed record Options(float LabelSmoothing = 0f, float CoverageLambda = 1f, bool KeepStepOutputs = false, float? Dropout = null,
        float FeatureDropout = 0f, float EmbeddingDropout = 0f, float AttentionEntropy = 0f, float Temperature = 1f,
        IReadOnlyList<bool>? EntropyTargets = null);

    public sealed class Output
    {
        /// <summary>Σ cross-entropy over all predicted tokens.</summary>
        public required Tensor CrossEntropySum { get; init; }
        /// <summary>λ·mean (1 − Σ_t α)².</summary>
        public required Tensor Coverage { get; init; }
        /// <summary>μ·mean H(α_t) / ln P over predicted rows (zero when μ = 0).</summary>
        public required Tensor AttentionEntropy { get; init; }
        /// <summary>CE / tokens + coverage + attention entropy: what the optimiser minimises.</summary>
        public required Tensor Loss { get; init; }
        public required int Tokens { get; init; }
        /// <summary>Per step: logits [R_t, V] and α [R_t, P] (only with KeepStepOutputs, for tests and notebooks).</summary>
        public IReadOnlyList<Tensor> Logits { get; init; } = [];
        public IReadOnlyList<Tensor> Alphas { get; init; } = [];
    }

    public static Output Forward(Tape tape, TrainableDecoder model, CaptionBatch batch, Options options, Random rng)
    {
        var cfg = model.Config;
        int B = batch.Size, P = cfg.Positions, E = cfg.EncoderDim;
        Tensor W(string name) => model[name];

        // Per image.
        var f = tape.Constant(batch.Grids, B * P, E);                                                    // f    [B·P, E]
        var projected = cfg.ParentCells is { } layout                                                    // W_p f + b_p [B·P, D]
            ? Ops.ParentCellLinear(tape, f, layout, W("feature_proj.weight"), W("feature_proj.bias"))      // (each parent cell once)
            : Ops.Linear(tape, f, W("feature_proj.weight"), W("feature_proj.bias"));
        var v = Ops.Relu(tape, projected);                                                                // v    [B·P, D]
        v = Ops.Dropout(tape, v, options.FeatureDropout, rng);                                           // (training only)
        var attF = Ops.Linear(tape, v, W("attention.feature_att.weight"), W("attention.feature_att.bias")); // attF [B·P, A]
        var vMean = cfg.InitialStateFromFeatures
            ? Ops.MeanOfRowGroups(tape, v, P)                                                            // v̄    [B, D]
            : tape.Zeros(B, cfg.FeatureDim, requiresGrad: false);                                        // learned h0, c0
        var h = Ops.Tanh(tape, Ops.Linear(tape, vMean, W("init_h.weight"), W("init_h.bias")));            // h0   [B, H]
        var c = Ops.Tanh(tape, Ops.Linear(tape, vMean, W("init_c.weight"), W("init_c.bias")));            // c0   [B, H]

        var crossEntropies = new List<Tensor>();
        var alphas = new List<Tensor>();
        var entropyRows = options.EntropyTargets is null ? null : new List<bool[]>();   // per step [R]: rows the penalty counts
        var keptLogits = new List<Tensor>();
        for (int t = 0; t < batch.MaxSteps; t++)
        {
            int R = batch.ActiveRows(t);
            var stepIds = new int[R];     // both captured by backward closures, so one pair of arrays per step
            var targetIds = new int[R];
            batch.TokensAt(t, R, stepIds);
            batch.TokensAt(t + 1, R, targetIds);
            var hPrev = h.ViewRows(R);                                                                  // [R, H]
            var cPrev = c.ViewRows(R);

            var attH = Ops.Linear(tape, hPrev, W("attention.hidden_att.weight"), W("attention.hidden_att.bias")); // [R, A]
            var e = Ops.AttentionScores(tape, attF, attH, W("attention.score.weight"), P);                // e [R, P]
            var alpha = Ops.Softmax(tape, e);                                                             // α [R, P]
            var z = Ops.WeightedSum(tape, alpha, v);                                                      // z [R, D]
            var beta = Ops.Sigmoid(tape, Ops.Linear(tape, hPrev, W("gate.weight"), W("gate.bias")));        // β [R, D]
            var gatedZ = Ops.Multiply(tape, z, beta);                                                     // β⊙z [R, D]
            var emb = Ops.Embedding(tape, W("embedding.weight"), stepIds, R);                             // E y [R, M]
            emb = Ops.Dropout(tape, emb, options.EmbeddingDropout, rng);                                  // (training only)
            var x = Ops.ConcatColumns(tape, emb, gatedZ, hPrev);                                          // [R, M+D+H]
            var gates = Ops.Linear(tape, x, W("lstm.weight"), W("lstm.bias"));                            // [R, 4H]
            (h, c) = Ops.LstmCell(tape, gates, cPrev);                                                    // [R, H]

            var o = Ops.Linear(tape, h, W("out_hidden.weight"), W("out_hidden.bias"));                    // L_h h + b [R, M]
            o = Ops.AddLinear(tape, o, gatedZ, W("out_context.weight"));                                  // + L_z β⊙z
            o = Ops.Add(tape, o, emb);                                                                    // + E y
            o = Ops.Dropout(tape, o, options.Dropout ?? cfg.Dropout, rng);
            var logits = Ops.Linear(tape, o, W("output.weight"), W("output.bias"));                       // [R, V]
            crossEntropies.Add(Ops.CrossEntropySum(tape, logits, targetIds, options.LabelSmoothing, rowWeights: batch.Weights,
                temperature: options.Temperature)); // Σ_r w_r·CE_r
            alphas.Add(alpha);
            entropyRows?.Add(Array.ConvertAll(targetIds, id => options.EntropyTargets![id]));
            if (options.KeepStepOutputs) keptLogits.Add(logits);
        }

        var ceSum = Ops.WeightedSumOfScalars(tape, crossEntropies, Enumerable.Repeat(1f, crossEntropies.Count).ToArray());
        var coverage = alphas.Count > 0 && options.CoverageLambda > 0
            ? Ops.AttentionCoverage(tape, alphas, B, options.CoverageLambda)
            : tape.Zeros(1, 1, requiresGrad: false);
        var entropy = alphas.Count > 0 && options.AttentionEntropy > 0
            ? Ops.AttentionEntropy(tape, alphas, options.AttentionEntropy, entropyRows)
            : tape.Zeros(1, 1, requiresGrad: false);
        var loss = Ops.WeightedSumOfScalars(tape, [ceSum, coverage, entropy], [1f / Math.Max(1, batch.TokenCount), 1f, 1f]);
        return new Output
        {
            CrossEntropySum = ceSum, Coverage = coverage, AttentionEntropy = entropy, Loss = loss, Tokens = batch.TokenCount,
            Logits = keptLogits, Alphas = options.KeepStepOutputs ? alphas : [],
        };
    }
}
