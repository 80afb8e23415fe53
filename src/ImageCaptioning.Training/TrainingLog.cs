using System.Globalization;
using System.Text.Json;

namespace ImageCaptioning.Training;

/// <summary>
/// The run's record for the notebooks: a steps CSV (one row per optimiser step) and an evaluations JSON-lines file
/// (one object per epoch end or dev evaluation). Appends, so a resumed run continues the same files.
/// </summary>
public sealed class TrainingLog : IDisposable
{
    private readonly StreamWriter _steps;
    private readonly string _evaluationsPath;

    public TrainingLog(string runDirectory, RunLogFormat format)
    {
        Directory.CreateDirectory(runDirectory);
        string stepsPath = Path.Combine(runDirectory, format.StepsFile);
        bool fresh = !File.Exists(stepsPath);
        _steps = new StreamWriter(new FileStream(stepsPath, FileMode.Append, FileAccess.Write, FileShare.Read));
        if (fresh) _steps.WriteLine(format.StepsHeader);
        _evaluationsPath = Path.Combine(runDirectory, format.EvaluationsFile);
    }

    /// <summary>One step row: the step and epoch, then <paramref name="values"/> in the header's column order.</summary>
    public void Row(long step, int epoch, params double[] values)
    {
        _steps.WriteLine(string.Join(',', [step.ToString(CultureInfo.InvariantCulture), epoch.ToString(CultureInfo.InvariantCulture), .. values.Select(F)]));
        if (step % 50 == 0) _steps.Flush();
    }

    public void Evaluation(IReadOnlyDictionary<string, object?> record)
    {
        _steps.Flush();
        File.AppendAllText(_evaluationsPath, JsonSerializer.Serialize(record) + Environment.NewLine);
    }

    public void Dispose() => _steps.Dispose();

    private static string F(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
