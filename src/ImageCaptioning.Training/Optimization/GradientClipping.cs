using ImageCaptioning.Training.Autograd;

namespace ImageCaptioning.Training.Optimization;

public static class GradientClipping
{
    /// <summary>Scales all gradients so their global L2 norm is at most <paramref name="maxNorm"/>; returns the norm before clipping.</summary>
    public static double ClipGlobalNorm(IReadOnlyList<(string Name, Tensor Tensor)> parameters, float maxNorm)
    {
        double sum = 0;
        foreach (var (_, t) in parameters)
            foreach (float g in t.Grad) sum += (double)g * g;
        double norm = Math.Sqrt(sum);
        if (norm > maxNorm && maxNorm > 0)
        {
            float scale = (float)(maxNorm / (norm + 1e-6));
            foreach (var (_, t) in parameters)
                System.Numerics.Tensors.TensorPrimitives.Multiply(t.Grad, scale, t.Grad);
        }
        return norm;
    }
}
