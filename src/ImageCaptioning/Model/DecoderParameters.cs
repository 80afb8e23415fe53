namespace ImageCaptioning.Model;

/// <summary>
/// Every learned tensor of the decoder, by its safetensors name. Weight matrices use PyTorch's
/// <c>nn.Linear</c> layout [out, in] (so y = x·Wᵀ + b), and the LSTM uses <c>nn.LSTMCell</c>'s gate order
/// (i, f, g, o) with its two matrices side by side: a decoder trained in PyTorch converts with
/// <c>lstm.weight = cat([weight_ih, weight_hh], dim=1)</c> and <c>lstm.bias = bias_ih + bias_hh</c>.
/// The same arrays are read by the inference decoder and updated in place by the trainer.
/// </summary>
public sealed class DecoderParameters
{
    public DecoderConfig Config { get; }

    // Feature projection: v_i = ReLU(W_p f_i + b_p)                     f_i: [E] → v_i: [D]
    public float[] FeatureProjWeight { get; }   // [D, E]
    public float[] FeatureProjBias { get; }     // [D]
    // Initial state from the mean projected feature: h0 = tanh(W v̄ + b), c0 = tanh(W' v̄ + b')
    public float[] InitHWeight { get; }         // [H, D]
    public float[] InitHBias { get; }           // [H]
    public float[] InitCWeight { get; }         // [H, D]
    public float[] InitCBias { get; }           // [H]
    // Additive (Bahdanau) attention: e_i = wᵀ tanh(W_f v_i + b_f + W_h h + b_h)
    public float[] FeatureAttWeight { get; }    // [A, D]
    public float[] FeatureAttBias { get; }      // [A]
    public float[] HiddenAttWeight { get; }     // [A, H]
    public float[] HiddenAttBias { get; }       // [A]
    public float[] ScoreWeight { get; }         // [1, A]
    // Gate on the context: β = σ(W_β h + b_β)
    public float[] GateWeight { get; }          // [D, H]
    public float[] GateBias { get; }            // [D]
    // Words
    public float[] Embedding { get; }           // [V, M]
    // LSTM cell on [embedding; β⊙z; h]: one fused matrix = PyTorch's [weight_ih | weight_hh], bias = bias_ih + bias_hh
    public float[] LstmWeight { get; }          // [4H, M + D + H]
    public float[] LstmBias { get; }            // [4H]
    // Deep output: o = E y + L_h h + L_z (β⊙z);  logits = W_o o + b_o
    public float[] OutHiddenWeight { get; }     // [M, H]
    public float[] OutHiddenBias { get; }       // [M]
    public float[] OutContextWeight { get; }    // [M, D]
    public float[] OutputWeight { get; }        // [V, M]
    public float[] OutputBias { get; }          // [V]

    private readonly Dictionary<string, (float[] Data, int[] Shape)> _byName = new(StringComparer.Ordinal);

    /// <summary>All tensors in a fixed order: name, data, shape.</summary>
    public IEnumerable<(string Name, float[] Data, int[] Shape)> Tensors =>
        _byName.Select(kv => (kv.Key, kv.Value.Data, kv.Value.Shape));

    public DecoderParameters(DecoderConfig config)
    {
        config.Validate();
        Config = config;
        int e = config.EncoderDim, d = config.FeatureDim, a = config.AttentionDim, h = config.HiddenDim,
            m = config.EmbeddingDim, v = config.VocabSize;
        FeatureProjWeight = Add("feature_proj.weight", d, e);
        FeatureProjBias = Add("feature_proj.bias", d);
        InitHWeight = Add("init_h.weight", h, d);
        InitHBias = Add("init_h.bias", h);
        InitCWeight = Add("init_c.weight", h, d);
        InitCBias = Add("init_c.bias", h);
        FeatureAttWeight = Add("attention.feature_att.weight", a, d);
        FeatureAttBias = Add("attention.feature_att.bias", a);
        HiddenAttWeight = Add("attention.hidden_att.weight", a, h);
        HiddenAttBias = Add("attention.hidden_att.bias", a);
        ScoreWeight = Add("attention.score.weight", 1, a);
        GateWeight = Add("gate.weight", d, h);
        GateBias = Add("gate.bias", d);
        Embedding = Add("embedding.weight", v, m);
        LstmWeight = Add("lstm.weight", 4 * h, m + d + h);
        LstmBias = Add("lstm.bias", 4 * h);
        OutHiddenWeight = Add("out_hidden.weight", m, h);
        OutHiddenBias = Add("out_hidden.bias", m);
        OutContextWeight = Add("out_context.weight", m, d);
        OutputWeight = Add("output.weight", v, m);
        OutputBias = Add("output.bias", v);
    }

    private float[] Add(string name, params int[] shape)
    {
        var data = new float[shape.Aggregate(1, (x, y) => x * y)];
        _byName.Add(name, (data, shape));
        return data;
    }

    public float[] this[string name] => _byName[name].Data;

    public int ParameterCount => _byName.Values.Sum(t => t.Data.Length);

    /// <summary>
    /// Random initialisation: uniform(±1/√fan_in) like PyTorch's Linear, embeddings and the output layer
    /// uniform(±0.1), biases zero except the LSTM forget gate (+1, so memory flows early in training).
    /// </summary>
    public static DecoderParameters CreateRandom(DecoderConfig config, int seed)
    {
        var p = new DecoderParameters(config);
        var rng = new Random(seed);
        foreach (var (name, data, shape) in p.Tensors)
        {
            if (shape.Length == 1) continue; // biases start at zero
            float bound = name is "embedding.weight" or "output.weight" ? 0.1f : 1f / MathF.Sqrt(shape[1]);
            for (int i = 0; i < data.Length; i++)
                data[i] = (float)(rng.NextDouble() * 2 - 1) * bound;
        }
        int h = config.HiddenDim;
        Array.Fill(p.LstmBias, 1f, h, h); // gate order i, f, g, o: rows [H, 2H) are the forget gate
        return p;
    }

    /// <summary>Copies every tensor from <paramref name="other"/> (same config).</summary>
    public void CopyFrom(DecoderParameters other)
    {
        foreach (var (name, data, _) in other.Tensors)
            data.CopyTo(this[name], 0);
    }
}
