using System.Collections.Concurrent;
using ImageCaptioning.Data;
using ImageCaptioning.Model;

namespace ImageCaptioning.Decoding;

/// <summary>
/// Turns encoder feature grids into captions: greedy, beam search or sampling (see <see cref="DecodingOptions"/>).
/// Needs no encoder, so the trainer runs it on cached features. Images are decoded in chunks of up to
/// <see cref="ImagesPerChunk"/>: all beams of all images of a chunk go through each step as one matrix product.
/// Thread-safe: each call rents its own scratch buffers from a pool, the weights are only read.
/// <c>&lt;pad&gt;</c>, <c>&lt;start&gt;</c> and <c>&lt;unk&gt;</c> are never generated (their log-probabilities are masked to −∞).
/// </summary>
public sealed class CaptionGenerator
{
    /// <summary>Images decoded together: enough rows (×beam) to keep the matrix products efficient, small enough to stay in cache.</summary>
    public const int ImagesPerChunk = 32;

    private readonly ConcurrentBag<DecodingScratch> _pool = [];
    private int _inFlight; // Generate calls running now
    private readonly DecodingTokens _tokens;

    public CaptionGenerator(IStepDecoder decoder, Vocabulary vocabulary, ConsensusDocumentFrequencies? consensusFrequencies = null)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (vocabulary.Count != decoder.Config.VocabSize)
            throw new ModelFormatException(
                $"The vocabulary has {vocabulary.Count} tokens but the decoder's config.json says vocab_size = {decoder.Config.VocabSize}.");
        Decoder = decoder;
        Vocabulary = vocabulary;
        ConsensusFrequencies = consensusFrequencies;
        _tokens = new DecodingTokens(vocabulary.Count, Vocabulary.StartId, Vocabulary.EndId,
            [Vocabulary.PadId, Vocabulary.StartId, Vocabulary.UnknownId]);
    }

    /// <summary>One <see cref="AttentionDecoder"/>, or a <see cref="DecoderEnsemble"/> of several.</summary>
    public IStepDecoder Decoder { get; }
    public Vocabulary Vocabulary { get; }

    /// <summary>The training references' document frequencies for <see cref="ConsensusWeighting.DocumentFrequency"/> (null: the model has none).</summary>
    public ConsensusDocumentFrequencies? ConsensusFrequencies { get; }

    /// <summary>Captions for one image. grid: [P, E] position-major.</summary>
    public IReadOnlyList<GeneratedCaption> Generate(ReadOnlySpan<float> grid, DecodingOptions? options = null) =>
        Generate(grid, 1, options)[0];

    /// <summary>
    /// Captions for <paramref name="images"/> images: per image its n-best list, best <see cref="GeneratedCaption.Score"/> first.
    /// grids: [images, P, E] position-major.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<GeneratedCaption>> Generate(ReadOnlySpan<float> grids, int images, DecodingOptions? options = null) =>
        Generate(grids, images, options, constraints: null);

    /// <summary>
    /// Captions for <paramref name="images"/> images with guided decoding: image i's captions obey <paramref name="constraints"/>[i]
    /// (<see cref="ConstrainedBeamSearch"/>; a required word that never fits falls back to the plain beam, with
    /// <see cref="GeneratedCaption.ConstraintMet"/> = false). Constraints need beam search (greedy = beam 1); sampling ignores them.
    /// Null or empty constraints give exactly <see cref="Generate(ReadOnlySpan{float}, int, DecodingOptions?)"/>'s captions.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<GeneratedCaption>> Generate(ReadOnlySpan<float> grids, int images, DecodingOptions? options,
        IReadOnlyList<CaptionConstraints?>? constraints)
    {
        options ??= DecodingOptions.Default; // valid by construction: DecodingOptions checks each value when it is set
        int gridFloats = Decoder.Config.Positions * Decoder.Config.EncoderDim;
        ArgumentOutOfRangeException.ThrowIfNegative(images);
        if (grids.Length != images * gridFloats)
            throw new ArgumentException($"Expected {images} grids of {Decoder.Config.Positions}×{Decoder.Config.EncoderDim} floats ({images * gridFloats}), got {grids.Length}.", nameof(grids));

        if (options.ConsensusRerank && options.Method == DecodingMethod.Beam && options.ConsensusWeighting == ConsensusWeighting.DocumentFrequency
            && ConsensusFrequencies is null)
            throw new InvalidDecodingOptionsException(
                $"Consensus weighting DocumentFrequency needs the model folder's {ConsensusDocumentFrequencies.FileName}, which this model does not have; use Uniform.");
        if (constraints is not null && constraints.Count != images)
            throw new ArgumentException($"Expected constraints for {images} images, got {constraints.Count}.", nameof(constraints));
        if (options.Method == DecodingMethod.Greedy && constraints is not null && constraints.Any(c => c is { IsEmpty: false }))
            options = options with { Method = DecodingMethod.Beam, BeamWidth = 1 }; // greedy is beam 1 (same captions), which takes constraints
        TokenConstraints[]? tokenConstraints = options.Method != DecodingMethod.Beam || constraints is null ? null
            : [.. constraints.Select(c => TokenConstraints.From(c ?? CaptionConstraints.None, Vocabulary))];
        if (tokenConstraints is not null && tokenConstraints.All(c => c.IsEmpty)) tokenConstraints = null;

        var results = new IReadOnlyList<GeneratedCaption>[images];
        if (images == 0) return results;
        int rowsPerImage = tokenConstraints is null ? options.RowsPerImage : 2 * options.BeamWidth; // a beam per acceptor state
        var scratch = Rent(Math.Min(images, ImagesPerChunk), rowsPerImage, options.MaxLength);
        bool alone = Interlocked.Increment(ref _inFlight) == 1;
        try
        {
            // Alone: the step's big products may borrow a second core. With concurrent calls (a busy server) the
            // cores are already in use, and each call keeps to its own thread.
            scratch.Workspace.MaxThreads = alone ? int.MaxValue : 1;
            for (int first = 0; first < images; first += ImagesPerChunk)
            {
                int count = Math.Min(ImagesPerChunk, images - first);
                var chunk = grids.Slice(first * gridFloats, count * gridFloats);
                var chunkConstraints = tokenConstraints?.AsSpan(first, count).ToArray();
                var met = new bool[count];
                var input = new SearchInput(Decoder, chunk, count, options, _tokens, scratch);
                TokenHypothesis[][] hypotheses =
                    chunkConstraints is not null && chunkConstraints.Any(c => !c.IsEmpty) ? ConstrainedBeamSearch.Run(input, chunkConstraints, met)
                    : options.Method == DecodingMethod.Beam ? BeamSearch.Run(input)
                    : SequentialSearch.Run(input);
                for (int i = 0; i < count; i++)
                {
                    var imageConstraints = chunkConstraints?[i];
                    bool imageMet = met[i];
                    IReadOnlyList<GeneratedCaption> list = Array.ConvertAll(hypotheses[i],
                        h => imageConstraints is not { RequiredAnyOf.Length: > 0 } ? ToCaption(h) : MarkConstraint(ToCaption(h), imageConstraints, imageMet));
                    results[first + i] = options.ConsensusRerank && options.Method == DecodingMethod.Beam
                        ? ConsensusReranker.Rerank(list, options, ConsensusFrequencies)
                        : list;
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _pool.Add(scratch);
        }
        return results;
    }

    private GeneratedCaption ToCaption(TokenHypothesis h)
    {
        var words = Array.ConvertAll(h.Tokens, Vocabulary.WordOf);
        return new GeneratedCaption(string.Join(' ', words), words, h.Tokens, h.LogProbability, h.Score, h.Finished, h.Attention);
    }

    /// <summary>
    /// Records whether the required word was written and which word satisfied it (its first occurrence, where the acceptor
    /// moved to "met"); shows a novel word there in place of its proxy, and makes an "a"/"an" just before it agree with it.
    /// </summary>
    private GeneratedCaption MarkConstraint(GeneratedCaption caption, TokenConstraints constraints, bool met)
    {
        int index = -1;
        for (int t = 0; t < caption.TokenIds.Count && index < 0; t++)
            if (Array.BinarySearch(constraints.RequiredAnyOf, caption.TokenIds[t]) >= 0) index = t;
        if (!met || index < 0)
            return caption with { ConstraintMet = met && index >= 0, ConstrainedWordIndices = [] };

        // TokenIds stay what the decoder read and scored (the proxy's id for a novel word); only the words shown change.
        var words = caption.Words.ToArray();
        if (constraints.ShownAs.TryGetValue(caption.TokenIds[index], out string? novel))
            words[index] = novel;
        if (index > 0 && IndefiniteArticle.IsArticle(words[index - 1]))
            words[index - 1] = IndefiniteArticle.For(words[index]);
        return caption with { Text = string.Join(' ', words), Words = words, ConstraintMet = true, ConstrainedWordIndices = [index] };
    }

    /// <summary>A pooled scratch that fits, or a new one at least as large as what it replaces.</summary>
    private DecodingScratch Rent(int images, int rowsPerImage, int maxLength)
    {
        if (_pool.TryTake(out var scratch))
        {
            if (scratch.Fits(images, rowsPerImage, maxLength)) return scratch;
            images = Math.Max(images, scratch.MaxImages);           // grow: the old one is dropped
            rowsPerImage = Math.Max(rowsPerImage, scratch.RowsPerImage);
            maxLength = Math.Max(maxLength, scratch.MaxLength);
        }
        return new DecodingScratch(Decoder, images, rowsPerImage, maxLength);
    }
}
