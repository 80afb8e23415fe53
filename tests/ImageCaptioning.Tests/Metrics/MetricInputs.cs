using ImageCaptioning.Metrics;

namespace ImageCaptioning.Tests.Metrics;

/// <summary>Builds tokenised inputs from space-separated strings, to keep hand-worked examples readable.</summary>
internal static class MetricInputs
{
    public static IReadOnlyList<string> Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static TokenizedImage Image(string hypothesis, params string[] references) => Named("image", hypothesis, references);

    public static TokenizedImage Named(string id, string hypothesis, params string[] references) =>
        new(id, Words(hypothesis), references.Select(Words).ToArray());
}
