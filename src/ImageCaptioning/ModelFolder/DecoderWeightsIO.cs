using ImageCaptioning.Model;

namespace ImageCaptioning.ModelFolder;

/// <summary>Saves and loads <see cref="DecoderParameters"/> as safetensors, checking every name, shape and dtype.</summary>
public static class DecoderWeightsIO
{
    public static void Save(DecoderParameters parameters, string path,
        SafeTensorsFile.StorageType storage = SafeTensorsFile.StorageType.F32, IReadOnlyDictionary<string, string>? metadata = null)
        => SafeTensorsFile.Write(path, parameters.Tensors, storage, metadata);

    /// <summary>Loads weights for <paramref name="config"/>; any missing, extra or wrongly shaped tensor is a clear error.</summary>
    public static DecoderParameters Load(DecoderConfig config, string path)
    {
        var entries = SafeTensorsFile.Read(path);
        var parameters = new DecoderParameters(config);
        string file = Path.GetFileName(path);
        var missing = parameters.Tensors.Select(t => t.Name).Where(n => !entries.ContainsKey(n)).ToList();
        if (missing.Count > 0)
            throw new ModelFormatException($"'{file}' lacks tensor(s) {string.Join(", ", missing)}.");
        var unexpected = entries.Keys.Where(n => parameters.Tensors.All(t => t.Name != n)).ToList();
        if (unexpected.Count > 0)
            throw new ModelFormatException($"'{file}' has unexpected tensor(s) {string.Join(", ", unexpected)} (wrong model type?).");
        foreach (var (name, data, shape) in parameters.Tensors)
        {
            var entry = entries[name];
            if (!entry.Shape.SequenceEqual(shape))
                throw new ModelFormatException(
                    $"'{file}': tensor '{name}' has shape [{string.Join(", ", entry.Shape)}] but config.json implies [{string.Join(", ", shape)}].");
            if (entry.Data.Any(float.IsNaN) || entry.Data.Any(float.IsInfinity))
                throw new ModelFormatException($"'{file}': tensor '{name}' holds NaN or infinite values.");
            entry.Data.CopyTo(data, 0);
        }
        return parameters;
    }
}
