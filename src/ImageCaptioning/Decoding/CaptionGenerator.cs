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

    public CaptionGenerator(IStepDecoder decoder, Vocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (vocabulary.Count != decoder.Config.VocabSize)
            throw new ModelFormatException(
                $"The vocabulary has {vocabulary.Count} tokens but the decoder's config.json says vocab_size = {decoder.Config.VocabSize}.");
        Decoder = decoder;
        Vocabulary = vocabulary;
        _tokens = new DecodingTokens(vocabulary.Count, Vocabulary.StartId, Vocabulary.EndId,
            [Vocabulary.PadId, Vocabulary.StartId, Vocabulary.UnknownId]);
    }

    /// <summary>One <see cref="AttentionDecoder"/>, or a <see cref="DecoderEnsemble"/> of several.</summary>
    public IStepDecoder Decoder { get; }
    public Vocabulary Vocabulary { get; }

    /// <summary>Captions for one image. grid: [P, E] position-major.</summary>
    public IReadOnlyList<GeneratedCaption> Generate(ReadOnlySpan<float> grid, DecodingOptions? options = null) =>
        Generate(grid, 1, options)[0];

    /// <summary>
    /// Captions for <paramref name="images"/> images: per image its n-best list, best <see cref="GeneratedCaption.Score"/> first.
    /// grids: [images, P, E] position-major.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<GeneratedCaption>> Generate(ReadOnlySpan<float> grids, int images, DecodingOptions? options = null)
    {
        options ??= DecodingOptions.Default; // valid by construction: DecodingOptions checks each value when it is set
        int gridFloats = Decoder.Config.Positions * Decoder.Config.EncoderDim;
        ArgumentOutOfRangeException.ThrowIfNegative(images);
        if (grids.Length != images * gridFloats)
            throw new ArgumentException($"Expected {images} grids of {Decoder.Config.Positions}×{Decoder.Config.EncoderDim} floats ({images * gridFloats}), got {grids.Length}.", nameof(grids));

        var results = new IReadOnlyList<GeneratedCaption>[images];
        if (images == 0) return results;
        var scratch = Rent(Math.Min(images, ImagesPerChunk), options.RowsPerImage, options.MaxLength);
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
                TokenHypothesis[][] hypotheses = options.Method == DecodingMethod.Beam
                    ? BeamSearch.Run(Decoder, chunk, count, options, _tokens, scratch)
                    : SequentialSearch.Run(Decoder, chunk, count, options, _tokens, scratch);
                for (int i = 0; i < count; i++)
                {
                    IReadOnlyList<GeneratedCaption> list = Array.ConvertAll(hypotheses[i], ToCaption);
                    results[first + i] = options.ConsensusRerank && options.Method == DecodingMethod.Beam
                        ? ConsensusReranker.Rerank(list, options.ConsensusLogProbabilityWeight)
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
