namespace ImageCaptioning.Cli.Terminal;

/// <summary>
/// A one-line text progress bar for model downloads (pass it as <c>EncoderOptions.DownloadProgress</c>
/// or to <see cref="ModelStore.ResolveAsync"/>). It redraws only when the whole percentage changes,
/// and writes to the given writer — stderr in the CLI, so piped output stays clean.
/// </summary>
public sealed class DownloadProgressBar(TextWriter writer, string label) : IProgress<double>
{
    private const int Width = 30;
    private readonly Lock _lock = new();
    private int _lastPercent = -1;

    public void Report(double value)
    {
        int percent = (int)Math.Clamp(Math.Floor(value * 100), 0, 100);
        lock (_lock)
        {
            if (percent == _lastPercent)
                return;
            _lastPercent = percent;
            int filled = percent * Width / 100;
            writer.Write($"\r{label} [{new string('#', filled)}{new string('.', Width - filled)}] {percent,3}%");
            if (percent == 100)
                writer.WriteLine();
        }
    }
}
