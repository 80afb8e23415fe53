using System.Text;
using ImageCaptioning.Model;

namespace ImageCaptioning.ModelFolder;

/// <summary>
/// Generated parts of a model folder's MODEL_CARD.md: the architecture and the exact tensor names and shapes of
/// <c>decoder.safetensors</c>, which is what someone converting a decoder trained elsewhere (e.g. PyTorch) needs.
/// The trainer adds the data, training and measured-quality sections around them.
/// </summary>
public static class DecoderModelCard
{
    /// <summary>A complete card for a model that has no measured quality yet (e.g. a randomly initialised one or a new ensemble).</summary>
    public static string Describe(DecoderModel model, string name, SafeTensorsFile.StorageType storage)
    {
        int decoders = model.Members.Count;
        int side = (int)Math.Round(Math.Sqrt(model.Config.Positions));
        string grid = $"{side}×{side}×{model.Config.EncoderDim}";   // cells × values per cell, e.g. 14×14×1856
        var card = new StringBuilder();
        card.AppendLine($"# Decoder model `{name}`").AppendLine();
        card.AppendLine(decoders == 1
            ? $"Show, Attend and Tell soft-attention LSTM decoder (Xu et al. 2015) over the {grid} feature grid of "
              + $"`{model.Config.Encoder}`. No training data, training run or measured quality is recorded for this model."
            : $"An ensemble of {decoders} Show, Attend and Tell soft-attention LSTM decoders (Xu et al. 2015) over the {grid} "
              + $"feature grid of `{model.Config.Encoder}`, with the same sizes and vocabulary: at every step the next-word "
              + "distribution is the mean of their probabilities and the attention map the mean of theirs (`DecoderEnsemble`). "
              + "No training data, training run or measured quality is recorded for this model.").AppendLine();
        card.Append(Architecture(model.Config, storage, decoders)).AppendLine();
        card.Append(TensorTable(model.Config, decoders));
        return card.ToString();
    }

    /// <summary>A markdown list of the sizes (of each decoder, and their number when there are several).</summary>
    public static string Architecture(DecoderConfig config, SafeTensorsFile.StorageType storage, int decoders = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(decoders, 1);
        var parameters = new DecoderParameters(config).ParameterCount;
        string count = decoders == 1
            ? $"{parameters:N0} parameters"
            : $"{decoders} decoders of {parameters:N0} parameters each ({(long)decoders * parameters:N0} in all)";
        return $"""
            ## Architecture

            - positions P = {config.Positions}, encoder channels E = {config.EncoderDim}
            - projected features D = {config.FeatureDim}, attention A = {config.AttentionDim}
            - embedding M = {config.EmbeddingDim}, LSTM hidden H = {config.HiddenDim}, vocabulary V = {config.VocabSize}
            - {count}, stored as {storage}

            """;
    }

    /// <summary>
    /// Every tensor of <c>decoder.safetensors</c> (and of each further member's file) with its shape for
    /// <paramref name="config"/>, and how the PyTorch modules map onto them.
    /// </summary>
    public static string TensorTable(DecoderConfig config, int decoders = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(decoders, 1);
        var files = string.Join(", ", Enumerable.Range(0, decoders).Select(k => $"`{DecoderModel.MemberFileName(k)}`"));
        var table = new StringBuilder();
        table.AppendLine($"## Weights ({files})").AppendLine();
        table.AppendLine("Weight matrices use `nn.Linear`'s [out, in] layout (y = x·Wᵀ + b). The LSTM is `nn.LSTMCell` "
            + "(gate order i, f, g, o) on the input [embedding; gated context; h]: `lstm.weight = cat([weight_ih, weight_hh], dim=1)`, "
            + "`lstm.bias = bias_ih + bias_hh`. Loading checks every name, shape and dtype (F32 or F16)."
            + (decoders == 1 ? "" : " Every decoder's file has the same tensors.")).AppendLine();
        table.AppendLine("| tensor | shape |").AppendLine("| --- | --- |");
        foreach (var (name, _, shape) in new DecoderParameters(config).Tensors)
            table.AppendLine($"| `{name}` | [{string.Join(", ", shape)}] |");
        return table.ToString();
    }
}
