using ImageCaptioning.Training;
using Spectre.Console;

namespace ImageCaptioning.Cli.Training;

/// <summary>
/// Prints a training run's progress: a status line every few seconds and every message on its own line.
/// Plain lines rather than a live bar, so the log file of a background run stays readable.
/// </summary>
internal sealed class TrainingConsole : IProgress<TrainingProgress>
{
    private DateTime _lastLine = DateTime.MinValue;
    private readonly DateTime _start = DateTime.UtcNow;
    private double _smoothedLoss = double.NaN;
    private readonly string _lossName;

    /// <param name="lossName">What the reported figure is ("CE" for cross-entropy, "reward" for self-critical training).</param>
    public TrainingConsole(string lossName = "CE") => _lossName = lossName;

    public void Report(TrainingProgress r)
    {
        if (r.Message is not null)
        {
            AnsiConsole.MarkupLineInterpolated($"[bold]{r.Message}[/]");
            return;
        }
        _smoothedLoss = double.IsNaN(_smoothedLoss) ? r.Loss : 0.98 * _smoothedLoss + 0.02 * r.Loss;
        if (DateTime.UtcNow - _lastLine < TimeSpan.FromSeconds(10) && r.BatchInEpoch != r.BatchesPerEpoch) return;
        _lastLine = DateTime.UtcNow;
        double fraction = (r.Epoch + (double)r.BatchInEpoch / r.BatchesPerEpoch) / r.Epochs;
        var elapsed = DateTime.UtcNow - _start;
        AnsiConsole.MarkupLineInterpolated(
            $"epoch {r.Epoch + 1}/{r.Epochs} batch {r.BatchInEpoch}/{r.BatchesPerEpoch} step {r.Step}: {_lossName} {_smoothedLoss:F3}, {r.TokensPerSecond:F0} tok/s, lr {r.LearningRate:G3}, {Bar(fraction)} elapsed {elapsed:hh\\:mm\\:ss}");
    }

    private static string Bar(double fraction)
    {
        int filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * 20);
        return "[" + new string('#', filled) + new string('.', 20 - filled) + $"] {fraction:P0}";
    }
}
