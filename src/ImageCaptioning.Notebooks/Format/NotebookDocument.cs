using System.Text.Json;
using System.Text.Json.Nodes;

namespace ImageCaptioning.Notebooks.Format;

/// <summary>
/// A Jupyter notebook (nbformat 4) as the runner reads and writes it: notebook metadata (kernelspec, Polyglot's
/// kernel info) and the cells with their outputs. <see cref="Parse"/> and <see cref="ToJson"/> round-trip a
/// Polyglot notebook without losing metadata.
/// </summary>
public sealed class NotebookDocument
{
    public const int FormatMajor = 4;

    public NotebookDocument(IEnumerable<NotebookCell> cells, JsonObject? metadata = null, int formatMinor = 5)
    {
        Cells = [.. cells];
        Metadata = metadata ?? CSharpNotebookMetadata();
        FormatMinor = formatMinor;
    }

    public List<NotebookCell> Cells { get; }

    /// <summary>The notebook-level metadata object (kernelspec, language_info, polyglot_notebook, …).</summary>
    public JsonObject Metadata { get; }

    /// <summary>nbformat_minor (cell ids exist from 4.5 on).</summary>
    public int FormatMinor { get; }

    /// <summary>The kernel code cells use unless their own metadata names another (Polyglot's <c>defaultKernelName</c>).</summary>
    public string DefaultKernelName =>
        Metadata["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"]?.GetValue<string>() ?? NotebookCell.CSharpKernel;

    /// <summary>Reads a notebook file.</summary>
    /// <exception cref="NotebookFormatException">Missing, not JSON, or not an nbformat 4 notebook.</exception>
    public static NotebookDocument Load(string path)
    {
        if (!File.Exists(path))
            throw new NotebookFormatException($"The notebook '{path}' does not exist.");
        return Parse(File.ReadAllText(path), Path.GetFileName(path));
    }

    /// <summary>Parses notebook JSON; <paramref name="source"/> names it in error messages.</summary>
    public static NotebookDocument Parse(string json, string source = "the notebook")
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject
                ?? throw new NotebookFormatException($"{source} is not a notebook: its JSON is not an object.");
        }
        catch (JsonException ex)
        {
            throw new NotebookFormatException($"{source} is not valid JSON: {ex.Message}", ex);
        }
        try
        {
            int major = root["nbformat"]?.GetValue<int>() ?? 0;
            if (major != FormatMajor)
                throw new NotebookFormatException($"{source} is nbformat {major}; the runner reads nbformat {FormatMajor} notebooks.");
            if (root["cells"] is not JsonArray cells)
                throw new NotebookFormatException($"{source} has no \"cells\" array.");
            var parsed = cells.Select((cell, i) => NotebookJson.ReadCell(
                cell as JsonObject ?? throw new NotebookFormatException($"{source}: cell {i + 1} is not a JSON object."), source, i + 1));
            var metadata = root["metadata"]?.DeepClone() as JsonObject ?? [];
            return new NotebookDocument(parsed, metadata, root["nbformat_minor"]?.GetValue<int>() ?? 0);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            // GetValue<T> on a node of the wrong JSON kind.
            throw new NotebookFormatException($"{source} does not follow nbformat 4: {ex.Message}", ex);
        }
    }

    /// <summary>The notebook as nbformat 4 JSON, indented with one space like Jupyter writes it, ending in a newline.</summary>
    public string ToJson()
    {
        var root = new JsonObject
        {
            ["cells"] = new JsonArray([.. Cells.Select((cell, i) => (JsonNode)NotebookJson.WriteCell(cell, i, FormatMinor >= 5))]),
            ["metadata"] = Metadata.DeepClone(),
            ["nbformat"] = FormatMajor,
            ["nbformat_minor"] = FormatMinor,
        };
        return NotebookJson.Serialize(root) + "\n";
    }

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/>, creating its folder.</summary>
    public async Task SaveAsync(string path, CancellationToken ct = default)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
            Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(path, ToJson(), ct).ConfigureAwait(false);
    }

    /// <summary>A deep copy (cells, metadata and outputs).</summary>
    public NotebookDocument Clone() => Parse(ToJson());

    /// <summary>
    /// The notebook metadata Polyglot Notebooks (VS Code) and Jupyter's .NET kernel expect of a C# notebook:
    /// the <c>.net-csharp</c> kernelspec and C# as Polyglot's default kernel.
    /// </summary>
    public static JsonObject CSharpNotebookMetadata() => new()
    {
        ["kernelspec"] = new JsonObject
        {
            ["display_name"] = ".NET (C#)",
            ["language"] = "C#",
            ["name"] = ".net-csharp",
        },
        ["language_info"] = new JsonObject { ["name"] = "polyglot-notebook" },
        ["polyglot_notebook"] = new JsonObject
        {
            ["kernelInfo"] = new JsonObject
            {
                ["defaultKernelName"] = NotebookCell.CSharpKernel,
                ["items"] = new JsonArray(new JsonObject { ["aliases"] = new JsonArray(), ["name"] = NotebookCell.CSharpKernel }),
            },
        },
    };
}
