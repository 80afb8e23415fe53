using ImageCaptioning.Model;

namespace ImageCaptioning.Decoding;

/// <summary>
/// What every search decodes from: the decoder, the encoder grids [Images, P, D], the options, the special tokens and the
/// scratch rented for the call. <see cref="CaptionGenerator"/> checks the call once and makes one per chunk of images.
/// </summary>
internal readonly ref struct SearchInput(IStepDecoder decoder, ReadOnlySpan<float> grids, int images, DecodingOptions options,
    DecodingTokens tokens, DecodingScratch scratch)
{
    public IStepDecoder Decoder { get; } = decoder;
    public ReadOnlySpan<float> Grids { get; } = grids;
    public int Images { get; } = images;
    public DecodingOptions Options { get; } = options;
    public DecodingTokens Tokens { get; } = tokens;
    public DecodingScratch Scratch { get; } = scratch;

    /// <summary>Prepares the images for attention and starts <paramref name="rowsPerImage"/> rows per image at <c>&lt;start&gt;</c>.</summary>
    public DecoderWorkspace Start(int rowsPerImage)
    {
        var ws = Scratch.Workspace;
        Decoder.PrepareImages(Grids, Images, ws);
        Decoder.StartRows(ws, Images, rowsPerImage, Tokens.Start);
        return ws;
    }

    /// <summary>
    /// One decoder step over the live rows (LogProbs [R, V], Alpha [R, P]), then every word no row may write set to −∞:
    /// the banned tokens and each row's repeat of an n-gram. The step every search starts its loop with.
    /// </summary>
    public void StepAndMask()
    {
        var ws = Scratch.Workspace;
        int vocabulary = Decoder.Config.VocabSize;
        Decoder.Step(ws);
        Tokens.Mask(ws.LogProbs, ws.Rows, vocabulary);
        DecodingTokens.BlockRepeatedNGrams(ws.LogProbs, ws.Rows, vocabulary, Scratch.Live, Options.NoRepeatNGramSize);
    }
}
