using ImageCaptioning.Model;
using ImageCaptioning.ModelFolder;

namespace ImageCaptioning.Web.Hosting;

/// <summary>What <c>GET /api/model</c> tells about the loaded model.</summary>
/// <param name="Name">The model folder's name, e.g. <c>flickr8k-mobilenetv2</c>.</param>
/// <param name="Encoder">The image encoder the decoder reads (from config.json).</param>
/// <param name="Decoder">The decoder's sizes.</param>
/// <param name="VocabularySize">Words the decoder can produce, the four special tokens included.</param>
/// <param name="Parameters">Learned decoder parameters (all decoders of an ensemble together).</param>
/// <param name="CardTitle">The first heading of MODEL_CARD.md.</param>
/// <param name="Quality">Measured caption quality reported by MODEL_CARD.md (e.g. BLEU-4, CIDEr-D), empty when it reports none.</param>
/// <param name="Decoders">How many decoders decode together (2 or more: an ensemble averaging their probabilities).</param>
/// <param name="WeightPrecision">The weights the decoder's steps read (Float32, Float16 or Int8; see <c>DecoderPrecision</c>).</param>
public sealed record ModelInfo(
    string Name,
    string Encoder,
    DecoderSizes Decoder,
    int VocabularySize,
    int Parameters,
    string? CardTitle,
    IReadOnlyDictionary<string, double> Quality,
    int Decoders = 1,
    string WeightPrecision = nameof(DecoderWeightPrecision.Float32))
{
    public static ModelInfo From(DecoderModel model, ModelCardSummary card) => new(
        model.Name,
        model.Config.Encoder,
        new DecoderSizes(model.Config.Positions, model.Config.EncoderDim, model.Config.FeatureDim,
            model.Config.AttentionDim, model.Config.EmbeddingDim, model.Config.HiddenDim),
        model.Vocabulary.Count,
        model.Members.Sum(m => m.ParameterCount),
        card.Title,
        card.Metrics,
        model.Members.Count,
        model.WeightPrecision.ToString());
}

/// <summary>The decoder's sizes (see <see cref="DecoderConfig"/>).</summary>
public sealed record DecoderSizes(int Positions, int EncoderDim, int FeatureDim, int AttentionDim, int EmbeddingDim, int HiddenDim);
