namespace ImageCaptioning.Notebooks.Display;

/// <summary>
/// Markup to show as HTML, what a notebook's <c>HTML("…")</c> returns (the same call Polyglot Notebooks offers).
/// </summary>
public sealed record HtmlContent(string Html)
{
    public override string ToString() => Html;
}
