namespace ImageCaptioning.Model;

/// <summary>
/// What greedy, beam and sampling search need from a decoder: prepare images once, start rows, take one step
/// (writing <see cref="DecoderWorkspace.LogProbs"/> [R, V] and <see cref="DecoderWorkspace.Alpha"/> [R, P]).
/// Implemented by <see cref="AttentionDecoder"/> (one model) and <see cref="DecoderEnsemble"/> (several, averaged).
/// </summary>
public interface IStepDecoder
{
    DecoderConfig Config { get; }
    DecoderWorkspace CreateWorkspace(int maxRows, int maxImages);
    void PrepareImages(ReadOnlySpan<float> grids, int images, DecoderWorkspace ws);
    void StartRows(DecoderWorkspace ws, int images, int rowsPerImage, int startToken);
    void Step(DecoderWorkspace ws);
}
