using System.Text.Json;
using ImageCaptioning.Model;
using ImageCaptioning.ModelFolder;
using ImageCaptioning.Training.Optimization;

namespace ImageCaptioning.Training;

/// <summary>
/// Everything needed to resume a run exactly: the weights, Adam's moments (as extra safetensors tensors
/// <c>adam.m.*</c>/<c>adam.v.*</c>), the moving average of the weights when the run keeps one (<c>average.*</c>)
/// and the position in the data (<see cref="TrainingState"/> in the metadata).
/// Written to a temporary file and renamed, so a kill during the write leaves the previous checkpoint intact.
/// </summary>
public static class TrainingCheckpoint
{
    private const string StateKey = "training_state";
    private const string AverageDecayKey = "average_decay";
    private const string AveragePrefix = "average.";

    /// <param name="average">The run's moving average of the weights (null: the run keeps none, and the file has none).</param>
    public static void Save(string path, TrainableDecoder model, Adam adam, WeightAverage? average, TrainingState state)
    {
        var tensors = new List<(string, float[], int[])>(model.Parameters.Tensors);
        for (int k = 0; k < model.Tensors.Count; k++)
        {
            var (name, tensor) = model.Tensors[k];
            tensors.Add(($"adam.m.{name}", adam.FirstMoments[k], [tensor.Length]));
            tensors.Add(($"adam.v.{name}", adam.SecondMoments[k], [tensor.Length]));
            if (average is not null) tensors.Add(($"{AveragePrefix}{name}", average.Averages[k], [tensor.Length]));
        }
        var metadata = new Dictionary<string, string> { [StateKey] = JsonSerializer.Serialize(state) };
        if (average is not null) metadata[AverageDecayKey] = average.Decay.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        SafeTensorsFile.Write(path, tensors, SafeTensorsFile.StorageType.F32, metadata);
    }

    /// <summary>
    /// Restores weights, optimiser moments and (when <paramref name="average"/> is given) the moving average in place;
    /// returns where the run stood. A checkpoint without an average (an older run) restarts it at the restored weights.
    /// </summary>
    /// <param name="averageRestored">True when <paramref name="average"/> was read from the file, false when it was restarted or not asked for.</param>
    public static TrainingState Load(string path, TrainableDecoder model, Adam adam, WeightAverage? average, out bool averageRestored)
    {
        var entries = SafeTensorsFile.Read(path);
        var metadata = SafeTensorsFile.ReadMetadata(path);
        if (!metadata.TryGetValue(StateKey, out string? json))
            throw new ModelFormatException($"'{path}' is not a training checkpoint (no training state).");
        bool hasAverage = metadata.ContainsKey(AverageDecayKey);
        for (int k = 0; k < model.Tensors.Count; k++)
        {
            var (name, tensor) = model.Tensors[k];
            Restore(entries, name, tensor.Data, path);
            Restore(entries, $"adam.m.{name}", adam.FirstMoments[k], path);
            Restore(entries, $"adam.v.{name}", adam.SecondMoments[k], path);
            if (average is not null && hasAverage) Restore(entries, $"{AveragePrefix}{name}", average.Averages[k], path);
        }
        if (average is not null && !hasAverage) average.Reset();
        averageRestored = average is not null && hasAverage;
        var state = JsonSerializer.Deserialize<TrainingState>(json)
            ?? throw new ModelFormatException($"'{path}': the training state is empty.");
        adam.Step = state.Step;
        return state;
    }

    /// <summary>
    /// Copies only the decoder weights of a checkpoint into <paramref name="parameters"/> (to export a run's current state):
    /// the moving average when the run keeps one and <paramref name="averaged"/> is true, else the training weights.
    /// </summary>
    /// <param name="exportedAverageDecay">The decay of the moving average copied, or null when the training weights were.</param>
    public static TrainingState LoadWeights(string path, DecoderParameters parameters, out float? exportedAverageDecay, bool averaged = true)
    {
        var entries = SafeTensorsFile.Read(path);
        var metadata = SafeTensorsFile.ReadMetadata(path);
        exportedAverageDecay = averaged ? DecayOf(metadata) : null;
        string prefix = exportedAverageDecay is null ? "" : AveragePrefix;
        foreach (var (name, data, _) in parameters.Tensors) Restore(entries, prefix + name, data, path);
        return metadata.TryGetValue(StateKey, out string? json) ? JsonSerializer.Deserialize<TrainingState>(json) ?? new() : new();
    }

    /// <summary>The decay of the moving average a checkpoint keeps, or null when it keeps none.</summary>
    public static float? AverageDecay(string path) => DecayOf(SafeTensorsFile.ReadMetadata(path));

    private static float? DecayOf(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(AverageDecayKey, out string? d) ? float.Parse(d, System.Globalization.CultureInfo.InvariantCulture) : null;

    private static void Restore(Dictionary<string, SafeTensorsFile.Entry> entries, string name, float[] destination, string path)
    {
        if (!entries.TryGetValue(name, out var entry) || entry.Data.Length != destination.Length)
            throw new ModelFormatException($"Checkpoint '{path}' does not match this model: tensor '{name}' is missing or has another size.");
        entry.Data.CopyTo(destination, 0);
    }
}

/// <summary>Where a run stands: the next batch to train on and the early-stopping record.</summary>
public sealed record TrainingState
{
    public int Epoch { get; init; }
    public int BatchInEpoch { get; init; }
    public long Step { get; init; }
    public double BestDevBleu4 { get; init; } = -1;
    public int BestEpoch { get; init; } = -1;
    /// <summary>Optimiser step of the best dev score (self-critical training evaluates within epochs).</summary>
    public long BestStep { get; init; } = -1;
    public int EpochsWithoutImprovement { get; init; }
    public double ElapsedSeconds { get; init; }
}
