using System.Text.Json;
using ImageCaptioning.Data;
using ImageCaptioning.Model;
using ImageCaptioning.ModelFolder;
using ImageCaptioning.Training;
using ImageCaptioning.Training.SelfCritical;

namespace ImageCaptioning.Cli.Training;

/// <summary>Writes the best weights so far as a model folder, plus <c>training.json</c> (how they were made).</summary>
internal static class TrainedModelWriter
{
    public const string TrainingRecordFile = "training.json";

    public static void Save(string folder, DecoderParameters parameters, Vocabulary vocabulary, TrainingOptions options,
        DevScores scores, int epoch, string runDirectory)
    {
        new DecoderModel(parameters, vocabulary).Save(folder, SafeTensorsFile.StorageType.F16);
        File.WriteAllText(Path.Combine(folder, TrainingRecordFile), JsonSerializer.Serialize(new
        {
            epoch,
            dev = scores.Metrics,
            options,
            run = Path.GetFileName(Path.GetFullPath(runDirectory)),
            saved_utc = DateTime.UtcNow,
        }, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>
    /// Saves a self-critically fine-tuned model: its training record keeps the starting model's record
    /// (<paramref name="baseRecordJson"/>, the cross-entropy stage) and adds the fine-tuning stage.
    /// </summary>
    public static void SaveSelfCritical(string folder, DecoderParameters parameters, Vocabulary vocabulary, SelfCriticalOptions options,
        DevScores scores, long step, string runDirectory, string? baseRecordJson)
    {
        new DecoderModel(parameters, vocabulary).Save(folder, SafeTensorsFile.StorageType.F16);
        JsonElement? cross = baseRecordJson is null ? null : JsonSerializer.Deserialize<JsonElement>(baseRecordJson);
        File.WriteAllText(Path.Combine(folder, TrainingRecordFile), JsonSerializer.Serialize(new
        {
            stage = "self-critical",
            step,
            dev = scores.Metrics,
            options,
            run = Path.GetFileName(Path.GetFullPath(runDirectory)),
            saved_utc = DateTime.UtcNow,
            cross_entropy_stage = cross,
        }, new JsonSerializerOptions { WriteIndented = true }));
    }
}
