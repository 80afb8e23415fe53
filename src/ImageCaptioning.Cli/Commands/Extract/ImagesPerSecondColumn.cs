using Spectre.Console;
using Spectre.Console.Rendering;

namespace ImageCaptioning.Cli.Commands.Extract;

/// <summary>A progress column showing the task's speed as images per second.</summary>
internal sealed class ImagesPerSecondColumn : ProgressColumn
{
    protected override bool NoWrap => true;

    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        new Text(task.Speed is { } speed ? $"{speed,6:F1} img/s" : "   ... img/s", new Style(Color.Grey));
}
