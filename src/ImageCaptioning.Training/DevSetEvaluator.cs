using ImageCaptioning.Data;
using ImageCaptioning.Decoding;
using ImageCaptioning.Metrics;
using ImageCaptioning.Model;

namespace ImageCaptioning.Training;

/// <summary>A dev-split score: BLEU-4 (the early-stopping signal) and every metric for the logs.</summary>
public sealed record DevScores(double Bleu4, IReadOnlyDictionary<string, double> Metrics);

/// <summary>
/// Captions a held-out split from its cached grids with the current weights and scores it with the
/// coco-caption metrics — the training run's early-stopping signal (BLEU-4) and the run log's dev metrics.
/// </summary>
public sealed class DevSetEvaluator
{
    private readonly IReadOnlyList<string> _images;
    private readonly TokenizedReferences _references;
    private readonly IGridSource _grids;
    private readonly Vocabulary _vocabulary;
    private readonly DecodingOptions _decoding;

    /// <summary>Beam width of the dev captions unless a run asks for another.</summary>
    public const int DefaultBeamWidth = 3;

    public DevSetEvaluator(IReadOnlyList<string> images, IReadOnlyDictionary<string, IReadOnlyList<string>> captions,
        IGridSource grids, Vocabulary vocabulary, int beamWidth, int maxLength = 20)
    {
        _images = images;
        _references = TokenizedReferences.Create(images.ToDictionary(i => i, i => captions[i], StringComparer.Ordinal));
        _grids = grids;
        _vocabulary = vocabulary;
        _decoding = new DecodingOptions { BeamWidth = beamWidth, MaxLength = maxLength, NBest = 1 };
    }

    /// <summary>Image → best caption for every image of the split.</summary>
    public Dictionary<string, string> Caption(AttentionDecoder decoder)
    {
        var generator = new CaptionGenerator(decoder, _vocabulary);
        int chunk = CaptionGenerator.ImagesPerChunk, gridSize = _grids.Positions * _grids.Channels;
        var buffer = new float[chunk * gridSize];
        var hypotheses = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int start = 0; start < _images.Count; start += chunk)
        {
            int count = Math.Min(chunk, _images.Count - start);
            for (int k = 0; k < count; k++)
            {
                if (!_grids.TryGetIndex(_images[start + k], out int index))
                    throw new Errors.ImageCaptioningException($"The feature cache has no features for '{_images[start + k]}': run `extract` for this split.");
                _grids.CopyGrid(index, buffer.AsSpan(k * gridSize, gridSize));
            }
            var results = generator.Generate(buffer.AsSpan(0, count * gridSize), count, _decoding);
            for (int k = 0; k < count; k++) hypotheses[_images[start + k]] = results[k][0].Text;
        }
        return hypotheses;
    }

    /// <summary>The captions of the last <see cref="Evaluate"/> call (image → caption), for logs.</summary>
    public IReadOnlyDictionary<string, string> LastCaptions { get; private set; } = new Dictionary<string, string>();

    public DevScores Evaluate(AttentionDecoder decoder)
    {
        var captions = Caption(decoder);
        LastCaptions = captions;
        var scores = CaptionEvaluator.Evaluate(captions, _references);
        return new DevScores(scores.Bleu4, new Dictionary<string, double>
        {
            ["bleu1"] = scores.Bleu1, ["bleu2"] = scores.Bleu2, ["bleu3"] = scores.Bleu3, ["bleu4"] = scores.Bleu4,
            ["rouge_l"] = scores.RougeL, ["cider_d"] = scores.CiderD,
        });
    }
}
