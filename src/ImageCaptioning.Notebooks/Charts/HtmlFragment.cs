namespace ImageCaptioning.Notebooks.Charts;

/// <summary>Raw HTML for a notebook output (tables with pictures). The notebooks display this instead of the
/// kernel's own HTML(...) helper, so their code compiles against no kernel assembly.</summary>
public sealed record HtmlFragment(string Html)
{
    public override string ToString() => Html;
}
