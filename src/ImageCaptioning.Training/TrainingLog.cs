using System.Globalization;
using System.Text.Json;

namespace ImageCaptioning.Training;

/// <summary>
/// The run's record for the notebooks: <c>steps.csv</c> (one row per optimiser step) and <c>epochs.jsonl</c>
/// (one JSON object per epoch with the dev metrics). Appends, so a resumed run continues the same files.
/// </summary>
public sealed class TrainingLog : IDisposable
{
    public const string StepsFile = "steps.csv";
    public const string EpochsFile = "epochs.jsonl";
    private readonly StreamWriter _steps;
    private readonly string _epochsPath;

    public TrainingLog(string runDirectory)
        : this(runDirectory, StepsFile, "step,epoch,loss,cross_entropy,coverage,learning_rate,grad_norm,tokens,seconds", EpochsFile)
    {
    }

    /// <summary>A log with other file names and step columns (self-critical training logs rewards, not cross-entropy).</summary>
    public TrainingLog(string runDirectory, string stepsFile, string stepsHeader, string epochsFile)
    {
        Directory.CreateDirectory(runDirectory);
        string stepsPath = Path.Combine(runDirectory, stepsFile);
        bool fresh = !File.Exists(stepsPath);
        _steps = new StreamWriter(new FileStream(stepsPath, FileMode.Append, FileAccess.Write, FileShare.Read));
        if (fresh) _steps.WriteLine(stepsHeader);
        _epochsPath = Path.Combine(runDirectory, epochsFile);
    }

    /// <summary>One step row: the step and epoch, then <paramref name="values"/> in the header's column order.</summary>
    public void Row(long step, int epoch, params double[] values)
    {
        _steps.WriteLine(string.Join(',', [step.ToString(CultureInfo.InvariantCulture), epoch.ToString(CultureInfo.InvariantCulture), .. values.Select(F)]));
        if (step % 50 == 0) _steps.Flush();
    }

    public void Step(long step, int epoch, double loss, double crossEntropy, double coverage, double learningRate,
        double gradNorm, int tokens, double seconds)
    {
        _steps.WriteLine(string.Join(',',
            step.ToString(CultureInfo.InvariantCulture), epoch.ToString(CultureInfo.InvariantCulture),
            F(loss), F(crossEntropy), F(coverage), F(learningRate), F(gradNorm),
            tokens.ToString(CultureInfo.InvariantCulture), F(seconds)));
        if (step % 50 == 0) _steps.Flush();
    }

    public void Epoch(object record)
    {
        _steps.Flush();
        File.AppendAllText(_epochsPath, JsonSerializer.Serialize(record) + Environment.NewLine);
    }

    public void Dispose() => _steps.Dispose();

    private static string F(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
