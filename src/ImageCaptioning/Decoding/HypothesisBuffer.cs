namespace ImageCaptioning.Decoding;

/// <summary>
/// Histories of partial captions, one per slot: the words so far, the attention map of each word and the
/// cumulative log-probability. Preallocated for <see cref="MaxLength"/> words so decoding allocates nothing;
/// beams are reordered by copying a parent's history into a second buffer (≤ K·t·P floats per step, negligible
/// next to the step's matrix products).
/// </summary>
internal sealed class HypothesisBuffer
{
    public HypothesisBuffer(int capacity, int maxLength, int positions)
    {
        Capacity = capacity;
        MaxLength = maxLength;
        Positions = positions;
        Tokens = new int[capacity * maxLength];
        Attention = new float[capacity * maxLength * positions];
        Length = new int[capacity];
        LogProbability = new double[capacity];
        Score = new double[capacity];
        Finished = new bool[capacity];
    }

    public int Capacity { get; }
    public int MaxLength { get; }
    public int Positions { get; }

    public int[] Tokens { get; }            // [slot, MaxLength] word ids
    public float[] Attention { get; }       // [slot, MaxLength, P] α of each word
    public int[] Length { get; }            // [slot] words so far (never counts <end>)
    public double[] LogProbability { get; } // [slot] Σ log p, <end> included once finished
    public double[] Score { get; }          // [slot] ranking score (filled when a hypothesis is final)
    public bool[] Finished { get; }         // [slot] emitted <end>

    public void Clear(int slot)
    {
        Length[slot] = 0;
        LogProbability[slot] = 0;
        Score[slot] = 0;
        Finished[slot] = false;
    }

    /// <summary>Copies the history of <paramref name="source"/>[<paramref name="sourceSlot"/>] into <paramref name="slot"/>.</summary>
    public void CopyFrom(HypothesisBuffer source, int sourceSlot, int slot)
    {
        int length = source.Length[sourceSlot];
        source.Tokens.AsSpan(sourceSlot * MaxLength, length).CopyTo(Tokens.AsSpan(slot * MaxLength, length));
        source.Attention.AsSpan(sourceSlot * MaxLength * Positions, length * Positions)
            .CopyTo(Attention.AsSpan(slot * MaxLength * Positions, length * Positions));
        Length[slot] = length;
        LogProbability[slot] = source.LogProbability[sourceSlot];
        Score[slot] = source.Score[sourceSlot];
        Finished[slot] = source.Finished[sourceSlot];
    }

    /// <summary>Adds a word (with the attention that produced it) to <paramref name="slot"/>'s history.</summary>
    public void Append(int slot, int token, ReadOnlySpan<float> alpha, float logProbability)
    {
        int t = Length[slot];
        Tokens[slot * MaxLength + t] = token;
        alpha.CopyTo(Attention.AsSpan((slot * MaxLength + t) * Positions, Positions));
        Length[slot] = t + 1;
        LogProbability[slot] += logProbability;
    }

    /// <summary>Marks <paramref name="slot"/> final: adds the <c>&lt;end&gt;</c> log-probability if it finished and scores it.</summary>
    public void Complete(int slot, bool finished, float endLogProbability, DecodingOptions options)
    {
        if (finished) LogProbability[slot] += endLogProbability;
        Finished[slot] = finished;
        Score[slot] = options.Score(LogProbability[slot], Length[slot] + (finished ? 1 : 0));
    }

    /// <summary>The slot's history as an immutable result (allocates; called once per returned caption).</summary>
    public TokenHypothesis ToHypothesis(int slot)
    {
        int length = Length[slot];
        var attention = new float[length][];
        for (int t = 0; t < length; t++)
            attention[t] = Attention.AsSpan((slot * MaxLength + t) * Positions, Positions).ToArray();
        return new TokenHypothesis(Tokens.AsSpan(slot * MaxLength, length).ToArray(), attention,
            LogProbability[slot], Score[slot], Finished[slot]);
    }
}

/// <summary>A final hypothesis in token ids (the vocabulary turns it into a <see cref="GeneratedCaption"/>).</summary>
/// <param name="Tokens">Word ids, no <c>&lt;start&gt;</c>/<c>&lt;end&gt;</c>.</param>
/// <param name="Attention">One [P] map per word.</param>
internal sealed record TokenHypothesis(int[] Tokens, float[][] Attention, double LogProbability, double Score, bool Finished);
