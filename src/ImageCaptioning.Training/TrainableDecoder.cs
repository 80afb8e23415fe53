using ImageCaptioning.Model;
using ImageCaptioning.Training.Autograd;

namespace ImageCaptioning.Training;

/// <summary>
/// The decoder's parameters as autograd tensors. Each tensor wraps the very array the inference
/// <see cref="AttentionDecoder"/> reads, so an optimiser step updates the inference model in place.
/// </summary>
public sealed class TrainableDecoder
{
    private readonly Dictionary<string, Tensor> _byName = new(StringComparer.Ordinal);

    public DecoderParameters Parameters { get; }
    public DecoderConfig Config => Parameters.Config;
    public IReadOnlyList<(string Name, Tensor Tensor)> Tensors { get; }

    public TrainableDecoder(DecoderParameters parameters)
    {
        Parameters = parameters;
        var list = new List<(string, Tensor)>();
        foreach (var (name, data, shape) in parameters.Tensors)
        {
            int rows = shape.Length == 1 ? 1 : shape[0];
            var tensor = new Tensor(data, rows, data.Length / rows, requiresGrad: true, grad: new float[data.Length]);
            _byName[name] = tensor;
            list.Add((name, tensor));
        }
        Tensors = list;
    }

    public Tensor this[string name] => _byName[name];

    public void ZeroGrad()
    {
        foreach (var (_, t) in Tensors) t.Grad.Clear();
    }
}
