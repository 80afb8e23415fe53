using System.Text.Json.Nodes;

namespace ImageCaptioning.Notebooks.Tests.Notebooks;

/// <summary>
/// A notebook as the real kernel left it: scripts/run-notebooks.sh executes the notebooks with Jupyter on the
/// `.net-csharp` kernel into artifacts/notebooks/ (CI points IMAGECAPTIONING_EXECUTED_NOTEBOOKS there); without that
/// variable the tests read the committed notebooks, whose outputs come from the same script (--write).
/// </summary>
internal sealed class ExecutedNotebook
{
    public const string FolderVariable = "IMAGECAPTIONING_EXECUTED_NOTEBOOKS";

    private ExecutedNotebook(string path, IReadOnlyList<JsonObject> outputs)
    {
        Path = path;
        Outputs = outputs;
    }

    public string Path { get; }
    public IReadOnlyList<JsonObject> Outputs { get; }

    public static string Folder() =>
        Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } folder
            ? folder
            : System.IO.Path.Combine(TestData.RepositoryRoot(), "notebooks");

    public static IEnumerable<string> Names() =>
        Directory.GetFiles(System.IO.Path.Combine(TestData.RepositoryRoot(), "notebooks"), "*.ipynb").Select(System.IO.Path.GetFileName).Order()!;

    public static ExecutedNotebook Load(string fileName)
    {
        string path = System.IO.Path.Combine(Folder(), fileName);
        Assert.True(File.Exists(path), $"{path} does not exist: run scripts/run-notebooks.sh first");
        var notebook = JsonNode.Parse(File.ReadAllText(path))!;
        var outputs = notebook["cells"]!.AsArray()
            .Where(c => (string?)c!["cell_type"] == "code")
            .SelectMany(c => c!["outputs"]!.AsArray().Select(o => o!.AsObject()))
            .ToList();
        return new ExecutedNotebook(path, outputs);
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        _ => (string?)node ?? "",
    };

    private IEnumerable<string> Data(string mime) =>
        Outputs.Select(o => o["data"]?[mime]).Where(d => d is not null).Select(Text);

    /// <summary>text/plain outputs (strings the cells display or return).</summary>
    public IReadOnlyList<string> Texts() => [.. Data("text/plain")];

    public IReadOnlyList<string> Htmls() => [.. Data("text/html")];

    /// <summary>Chart outputs: interactive HTML with its static SVG in the same output.</summary>
    public IReadOnlyList<(string Html, string Svg)> Charts() =>
    [
        .. Outputs.Select(o => o["data"]).Where(d => d?["text/html"] is not null && d["image/svg+xml"] is not null)
            .Select(d => (Text(d!["text/html"]), Text(d["image/svg+xml"])))
            .Where(c => c.Item1.Contains("Plotly.newPlot", StringComparison.Ordinal)),
    ];

    public IReadOnlyList<string> Errors() =>
    [
        .. Outputs.Where(o => (string?)o["output_type"] == "error").Select(o => $"{o["ename"]}: {o["evalue"]}"),
        .. Outputs.Where(o => (string?)o["output_type"] == "stream" && (string?)o["name"] == "stderr").Select(o => Text(o["text"])),
    ];
}
