using ImageCaptioning.Training.Autograd;

namespace ImageCaptioning.Training.Optimization;

/// <summary>
/// An exponential moving (Polyak) average of the weights: after every optimiser step averaged = d·averaged + (1−d)·weights.
/// It starts at the weights it is given (no bias towards zero from a warm start); <see cref="Swapped"/> puts it in the
/// parameter arrays for a while (dev evaluation, saving) and then gives the training weights back exactly.
/// </summary>
public sealed class WeightAverage
{
    private readonly IReadOnlyList<(string Name, Tensor Tensor)> _parameters;

    /// <summary>d: how much of the old average each step keeps (0 ≤ d &lt; 1).</summary>
    public float Decay { get; }
    /// <summary>The averaged weights, one array per parameter in the model's order (saved in checkpoints).</summary>
    public float[][] Averages { get; }

    public WeightAverage(IReadOnlyList<(string Name, Tensor Tensor)> parameters, float decay)
    {
        if (!(decay >= 0 && decay < 1)) throw new ArgumentOutOfRangeException(nameof(decay), decay, "the average decay must be in [0, 1)");
        _parameters = parameters;
        Decay = decay;
        Averages = parameters.Select(p => p.Tensor.Values.ToArray()).ToArray();
    }

    /// <summary>Restarts the average at the current weights (a checkpoint that has none).</summary>
    public void Reset()
    {
        for (int k = 0; k < _parameters.Count; k++) _parameters[k].Tensor.Values.CopyTo(Averages[k]);
    }

    /// <summary>Folds the current weights into the average (call after each optimiser step).</summary>
    public void Update()
    {
        float keep = Decay, take = 1f - Decay;
        Parallel.For(0, _parameters.Count, k =>
        {
            var w = _parameters[k].Tensor.Values; var a = Averages[k];
            for (int i = 0; i < w.Length; i++) a[i] = keep * a[i] + take * w[i];
        });
    }

    /// <summary>The averaged weights sit in the parameter arrays until the result is disposed; then the training weights are back.</summary>
    public IDisposable Swapped()
    {
        Exchange();
        return new Restore(this);
    }

    // Exchanging element by element needs no third copy and, done twice, restores both sides bit for bit.
    private void Exchange()
    {
        for (int k = 0; k < _parameters.Count; k++)
        {
            var w = _parameters[k].Tensor.Values; var a = Averages[k];
            for (int i = 0; i < w.Length; i++) (w[i], a[i]) = (a[i], w[i]);
        }
    }

    private sealed class Restore(WeightAverage average) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            average.Exchange();
        }
    }
}
