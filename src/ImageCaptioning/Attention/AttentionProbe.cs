using ImageCaptioning.Data;
using ImageCaptioning.Model;

namespace ImageCaptioning.Attention;

/// <summary>
/// One content word of a caption as each decoder of the model saw it. Index k of every array is decoder k
/// (one entry for a single decoder; each member of an ensemble forms its context from its own α).
/// </summary>
/// <param name="Position">The word's index in the caption (0 = first word).</param>
/// <param name="Alpha">Per decoder, the α [P] it used to form its context vector for this word.</param>
/// <param name="Probability">Per decoder, p(word | the caption's previous words, image).</param>
/// <param name="TopMaskedProbability">The same with the encoder cells of the decoder's highest α zeroed.</param>
/// <param name="RandomMaskedProbability">The same with as many random cells zeroed, averaged over the random draws.</param>
public sealed record ContentWordProbe(
    int Position, string Word, float[][] Alpha, double[] Probability, double[] TopMaskedProbability, double[] RandomMaskedProbability)
{
    /// <summary>The map the API shows for the word: the decoders' α averaged (the ensemble's attention).</summary>
    public float[] ShownAlpha()
    {
        var mean = new float[Alpha[0].Length];
        foreach (var alpha in Alpha)
            for (int i = 0; i < mean.Length; i++) mean[i] += alpha[i] / Alpha.Length;
        return mean;
    }
}

/// <summary>
/// Re-runs a model's decoders teacher-forced on a given caption to read the α each decoder used for each content word,
/// and checks that α is faithful: zeroing the <see cref="MaskedCells"/> highest-α cells should lower the word's
/// probability more than zeroing as many random cells (<see cref="RandomDraws"/> draws, averaged). A masked image is
/// re-run from the start, so the mask also reaches the initial state and earlier words, alike for both kinds of mask.
/// </summary>
public sealed class AttentionProbe
{
    /// <summary>Random masks per word; their drops are averaged.</summary>
    public const int DefaultRandomDraws = 4;

    private readonly AttentionDecoder[] _members;
    private readonly Vocabulary _vocabulary;

    /// <param name="decoder">One decoder or an ensemble (whose members are probed one by one).</param>
    /// <param name="maskedCells">Cells zeroed per mask (default: a tenth of the grid, 5 of 49).</param>
    public AttentionProbe(IStepDecoder decoder, Vocabulary vocabulary, int? maskedCells = null, int randomDraws = DefaultRandomDraws)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(vocabulary);
        _members = decoder switch
        {
            AttentionDecoder single => [single],
            DecoderEnsemble ensemble => [.. ensemble.Members],
            _ => throw new ArgumentException($"cannot probe a {decoder.GetType().Name}", nameof(decoder)),
        };
        _vocabulary = vocabulary;
        Positions = decoder.Config.Positions;
        MaskedCells = maskedCells ?? DefaultMaskedCells(Positions);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaskedCells);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(MaskedCells, Positions);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(randomDraws);
        RandomDraws = randomDraws;
    }

    public int Positions { get; }
    public int MaskedCells { get; }
    public int RandomDraws { get; }
    public int Decoders => _members.Length;

    /// <summary>A tenth of the grid, at least one cell.</summary>
    public static int DefaultMaskedCells(int positions) => Math.Max(1, (int)Math.Round(positions / 10.0));

    /// <summary>
    /// Probes every content word (<see cref="ContentWords.IsContentWord"/>) of <paramref name="words"/>.
    /// grid: [P, E] position-major, the image's encoder features. <paramref name="seed"/> fixes the random masks.
    /// </summary>
    /// <exception cref="ArgumentException">A word is not in the model's vocabulary (the caption was not made by this model).</exception>
    public IReadOnlyList<ContentWordProbe> Probe(ReadOnlySpan<float> grid, IReadOnlyList<string> words, int seed)
    {
        ArgumentNullException.ThrowIfNull(words);
        int P = Positions, E = _members[0].Config.EncoderDim, K = _members.Length, k = MaskedCells, draws = RandomDraws;
        if (grid.Length != P * E) throw new ArgumentException($"expected {P}×{E} features, got {grid.Length}", nameof(grid));
        var tokens = new int[words.Count];
        for (int t = 0; t < tokens.Length; t++)
        {
            if (!_vocabulary.Contains(words[t]))
                throw new ArgumentException($"'{words[t]}' is not in the model's vocabulary: the caption was not made by this model.");
            tokens[t] = _vocabulary.IdOf(words[t]);
        }
        int[] content = [.. Enumerable.Range(0, words.Count).Where(t => ContentWords.IsContentWord(words[t]))];
        if (content.Length == 0) return [];
        int steps = content[^1] + 1;

        var alpha = new float[K][][];                 // [K][content][P]
        var probability = new double[K][];            // [K][content]
        var rng = new Random(seed);
        int variants = content.Length * (1 + draws);  // per content word: the top-α mask, then the random masks
        var masks = new int[variants][];
        var masked = new double[K][];                 // [K][variant]
        for (int m = 0; m < K; m++)
        {
            var decoder = _members[m];
            alpha[m] = new float[content.Length][];
            probability[m] = new double[content.Length];
            TeacherForce(decoder, grid.ToArray(), 1, tokens, steps, (t, ws) =>
            {
                int c = Array.IndexOf(content, t);
                if (c < 0) return;
                alpha[m][c] = ws.Alpha.AsSpan(0, P).ToArray();
                probability[m][c] = Math.Exp(ws.LogProbs[tokens[t]]);
            });
            for (int c = 0; c < content.Length; c++)
            {
                masks[c * (1 + draws)] = AttentionStatistics.TopCells(alpha[m][c], k);
                if (m == 0)                           // the random masks are the same for every decoder
                    for (int d = 1; d <= draws; d++) masks[c * (1 + draws) + d] = RandomCells(rng, P, k);
            }
            var grids = new float[variants * P * E];  // [variants, P, E]
            for (int v = 0; v < variants; v++)
            {
                var copy = grids.AsSpan(v * P * E, P * E);
                grid.CopyTo(copy);
                foreach (int cell in masks[v]) copy.Slice(cell * E, E).Clear();
            }
            masked[m] = new double[variants];
            TeacherForce(decoder, grids, variants, tokens, steps, (t, ws) =>
            {
                int c = Array.IndexOf(content, t);
                if (c < 0) return;
                int V = decoder.Config.VocabSize;
                for (int v = c * (1 + draws); v < (c + 1) * (1 + draws); v++)
                    masked[m][v] = Math.Exp(ws.LogProbs[v * V + tokens[t]]);
            });
        }

        var probes = new ContentWordProbe[content.Length];
        for (int c = 0; c < content.Length; c++)
        {
            int first = c * (1 + draws);
            probes[c] = new ContentWordProbe(content[c], words[content[c]],
                [.. Enumerable.Range(0, K).Select(m => alpha[m][c])],
                [.. Enumerable.Range(0, K).Select(m => probability[m][c])],
                [.. Enumerable.Range(0, K).Select(m => masked[m][first])],
                [.. Enumerable.Range(0, K).Select(m => Enumerable.Range(first + 1, draws).Average(v => masked[m][v]))]);
        }
        return probes;
    }

    /// <summary>Feeds <paramref name="tokens"/> to every image's single row; <paramref name="read"/> sees step t's α and log p before token t is fed.</summary>
    private static void TeacherForce(AttentionDecoder decoder, float[] grids, int images, int[] tokens, int steps,
        Action<int, DecoderWorkspace> read)
    {
        var ws = decoder.CreateWorkspace(maxRows: images, maxImages: images);
        decoder.PrepareImages(grids, images, ws);                     // grids [images, P, E]
        decoder.StartRows(ws, images, rowsPerImage: 1, Vocabulary.StartId);
        for (int t = 0; t < steps; t++)
        {
            decoder.Step(ws);                                         // Alpha [images, P], LogProbs [images, V]
            read(t, ws);
            Array.Fill(ws.Tokens, tokens[t], 0, images);
        }
    }

    /// <summary><paramref name="count"/> distinct cells of <paramref name="positions"/>, uniformly (a partial Fisher–Yates shuffle).</summary>
    private static int[] RandomCells(Random rng, int positions, int count)
    {
        var cells = new int[positions];
        for (int i = 0; i < positions; i++) cells[i] = i;
        for (int i = 0; i < count; i++)
        {
            int j = rng.Next(i, positions);
            (cells[i], cells[j]) = (cells[j], cells[i]);
        }
        return cells[..count];
    }
}
