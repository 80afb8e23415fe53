using System.Text.Json;
using ImageCaptioning.Data;
using ImageCaptioning.Decoder;
using ImageCaptioning.Training;

namespace ImageCaptioning.Cli.Training;

/// <summary>Writes the best weights so far as a model folder, plus <c>training.json</c> (how they were made).</summary>
internal static class TrainedModelWriter
{
    public const string TrainingRecordFile = "training.json";

    public static void Save(string folder, DecoderParameters parameters, Vocabulary vocabulary, TrainingOptions options,
        Trainer.DevScores scores, int epoch, string runDirectory)
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
}
