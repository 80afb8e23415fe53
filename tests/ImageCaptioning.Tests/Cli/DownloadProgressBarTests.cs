using ImageCaptioning.Cli.Terminal;

namespace ImageCaptioning.Tests.Cli;

public class DownloadProgressBarTests
{
    [Fact]
    public void RedrawsOnlyOnWholePercentChangesAndEndsTheLineAtFull()
    {
        var writer = new StringWriter();
        var bar = new DownloadProgressBar(writer, "model");

        foreach (double value in new[] { 0.0, 0.001, 0.004, 0.5, 0.505, 1.0 })
            bar.Report(value);

        string text = writer.ToString();
        Assert.Equal(3, text.Count(c => c == '\r')); // 0 %, 50 %, 100 %
        Assert.Contains(" 50%", text);
        Assert.EndsWith("100%" + Environment.NewLine, text);
    }
}
