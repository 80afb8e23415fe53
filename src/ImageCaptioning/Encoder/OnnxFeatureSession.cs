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
    /// Runs <paramref name="count"/> images and hands <paramref name="read"/> the outputs while ONNX Runtime still holds them,
    /// so the caller lays them out where it keeps them without an intermediate copy.
    /// </summary>
    /// <param name="pixels">[count, 3, 224, 224] planar RGB in 0..255.</param>
    /// <param name="fine">Also fetch the 14×14 map (else <paramref name="read"/> gets an empty span for it).</param>
    public void Run(Memory<float> pixels, int count, bool fine, EncoderOutputsReader read)
    {
        int side = EncoderGeometry.InputSize;
        if (pixels.Length != count * EncoderGeometry.InputFloats)
            throw new ArgumentException($"Expected {count}×3×{side}×{side} pixels, got {pixels.Length} floats.", nameof(pixels));
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, pixels, [count, 3, side, side]);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, InputNames, [input], fine ? OutputNamesWithFine : OutputNames);
        read(outputs[0].GetTensorDataAsSpan<float>(), outputs[1].GetTensorDataAsSpan<float>(),
            fine ? outputs[2].GetTensorDataAsSpan<float>() : default);
    }

    public void Dispose() => _session.Dispose();
}

/// <summary>
/// Reads one run's outputs: <paramref name="features"/> [count, 1280, 7, 7] and <paramref name="fineFeatures"/>
/// [count, 576, 14, 14] channel-major as ONNX gives them (the fine map empty unless asked for), <paramref name="logits"/> [count, 1000].
/// The spans are valid only during the call.
/// </summary>
internal delegate void EncoderOutputsReader(ReadOnlySpan<float> features, ReadOnlySpan<float> logits, ReadOnlySpan<float> fineFeatures);
