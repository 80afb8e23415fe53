using ImageCaptioning.Training.Autograd;

namespace ImageCaptioning.Training.Optimization;

/// <summary>
/// One optimiser step on a loss the tape recorded — back-propagate, clip the global gradient norm, Adam — then the tape
/// and the gradients are cleared for the next step. Shared by the cross-entropy and the self-critical trainers.
/// </summary>
public static class OptimizerStep
{
    /// <summary>Takes the step; returns the loss value and the gradient norm before clipping.</summary>
    /// <exception cref="Errors.ImageCaptioningException">The loss is not finite (the run diverged).</exception>
    public static (double Loss, double GradientNorm) Apply(Tape tape, Tensor loss, TrainableDecoder model, Adam adam,
        float clipNorm, float learningRate, string runKind, long step)
    {
        tape.Backward(loss);
        double gradNorm = GradientClipping.ClipGlobalNorm(model.Tensors, clipNorm);
        adam.Update(learningRate);
        double value = loss.Item;
        tape.Reset();
        model.ZeroGrad();
        if (!double.IsFinite(value))
            throw new Errors.ImageCaptioningException($"{runKind} diverged at step {step} (loss {value}); lower the learning rate.");
        return (value, gradNorm);
    }
}
