using Microsoft.ML.OnnxRuntime;

namespace ImageCaptioning.Encoder;

/// <summary>
/// The raw ONNX Runtime path: one <see cref="InferenceSession"/> on the derived model, any batch
/// size per Run. <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/>
/// is thread-safe, so one instance serves every thread.
/// </summary>
internal sealed class OnnxFeatureSession : IDisposable
{
    private static readonly string[] InputNames = [FeatureModel.PixelsInput];
    private static readonly string[] OutputNames = [FeatureModel.FeaturesOutput, FeatureModel.LogitsOutput];
    private static readonly string[] OutputNamesWithFine = [.. OutputNames, FeatureModel.FineFeaturesOutput];

    private readonly InferenceSession _session;

    public OnnxFeatureSession(string derivedModelPath, int intraOpThreads)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        if (intraOpThreads > 0)
            options.IntraOpNumThreads = intraOpThreads;
        // Idle intra-op workers block instead of spinning: a spinning worker would hold a core through the decoder's
        // steps that follow each run, and the decoder (an ensemble's second member runs on its own thread) needs both.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        _session = new InferenceSession(derivedModelPath, options);
    }

    /// <summary>
    /// Runs <paramref name="count"/> images.
    /// </summary>
    /// <param name="pixels">[count, 3, 224, 224] planar RGB in 0..255.</param>
    /// <param name="features">Receives [count, 1280, 7, 7] (channel-major, as ONNX gives it).</param>
    /// <param name="logits">Receives [count, 1000].</param>
    /// <param name="fineFeatures">Receives [count, 576, 14, 14] (channel-major) unless empty (then it is not fetched).</param>
    public void Run(float[] pixels, int count, Span<float> features, Span<float> logits, Span<float> fineFeatures = default)
    {
        int side = EncoderGeometry.InputSize;
        if (pixels.Length != count * EncoderGeometry.InputFloats)
            throw new ArgumentException($"Expected {count}×3×{side}×{side} pixels, got {pixels.Length} floats.", nameof(pixels));
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, [count, 3, side, side]);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, InputNames, [input], fineFeatures.IsEmpty ? OutputNames : OutputNamesWithFine);
        outputs[0].GetTensorDataAsSpan<float>().CopyTo(features);
        outputs[1].GetTensorDataAsSpan<float>().CopyTo(logits);
        if (!fineFeatures.IsEmpty) outputs[2].GetTensorDataAsSpan<float>().CopyTo(fineFeatures);
    }

    public void Dispose() => _session.Dispose();
}
