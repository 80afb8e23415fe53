using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ImageCaptioning.Notebooks.Format;

/// <summary>Cell and output objects ↔ nbformat 4 JSON.</summary>
internal static class NotebookJson
{
    // Jupyter's own layout: one-space indent, and '<', '>' and non-ASCII left readable (outputs hold HTML).
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        IndentSize = 1,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(JsonNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            node.WriteTo(writer);
        return Encoding.UTF8.GetString(buffer.ToArray()).ReplaceLineEndings("\n");
    }

    public static NotebookCell ReadCell(JsonObject json, string source, int number)
    {
        string type = json["cell_type"]?.GetValue<string>()
            ?? throw new NotebookFormatException($"{source}: cell {number} has no \"cell_type\".");
        NotebookCellKind kind = type switch
        {
            "markdown" => NotebookCellKind.Markdown,
            "code" => NotebookCellKind.Code,
            "raw" => NotebookCellKind.Raw,
            _ => throw new NotebookFormatException($"{source}: cell {number} has the unknown cell_type '{type}'."),
        };
        var cell = new NotebookCell(kind, ReadMultiline(json["source"]), json["metadata"]?.DeepClone() as JsonObject,
            json["id"]?.GetValue<string>());
        if (kind == NotebookCellKind.Code)
        {
            cell.ExecutionCount = json["execution_count"]?.GetValue<int>();
            if (json["outputs"] is JsonArray outputs)
                cell.Outputs.AddRange(outputs.OfType<JsonObject>().Select(o => ReadOutput(o, source, number)));
        }
        return cell;
    }

    public static JsonObject WriteCell(NotebookCell cell, int index, bool writeId)
    {
        var json = new JsonObject
        {
            ["cell_type"] = cell.Kind.ToString().ToLowerInvariant(),
        };
        if (cell.Kind == NotebookCellKind.Code)
            json["execution_count"] = cell.ExecutionCount;
        if (writeId)
            json["id"] = cell.Id ?? $"cell-{index + 1}"; // deterministic, so rewriting a notebook does not churn ids
        json["metadata"] = cell.Metadata.DeepClone();
        if (cell.Kind == NotebookCellKind.Code)
            json["outputs"] = new JsonArray([.. cell.Outputs.Select(o => (JsonNode)WriteOutput(o))]);
        json["source"] = WriteMultiline(cell.Source);
        return json;
    }

    private static CellOutput ReadOutput(JsonObject json, string source, int cell)
    {
        string type = json["output_type"]?.GetValue<string>() ?? "";
        return type switch
        {
            "stream" => new StreamOutput(json["name"]?.GetValue<string>() ?? StreamOutput.StandardOutput, ReadMultiline(json["text"])),
            "display_data" => new DisplayDataOutput(ReadBundle(json["data"])),
            "execute_result" => new ExecuteResultOutput(json["execution_count"]?.GetValue<int>() ?? 0, ReadBundle(json["data"])),
            "error" => new ErrorOutput(json["ename"]?.GetValue<string>() ?? "", json["evalue"]?.GetValue<string>() ?? "",
                [.. (json["traceback"] as JsonArray ?? []).Select(line => line?.GetValue<string>() ?? "")]),
            _ => throw new NotebookFormatException($"{source}: cell {cell} has an output of unknown type '{type}'."),
        };
    }

    private static JsonObject WriteOutput(CellOutput output) => output switch
    {
        StreamOutput s => new JsonObject
        {
            ["name"] = s.Name,
            ["output_type"] = "stream",
            ["text"] = WriteMultiline(s.Text),
        },
        DisplayDataOutput d => new JsonObject
        {
            ["data"] = WriteBundle(d.Data),
            ["metadata"] = new JsonObject(),
            ["output_type"] = "display_data",
        },
        ExecuteResultOutput r => new JsonObject
        {
            ["data"] = WriteBundle(r.Data),
            ["execution_count"] = r.ExecutionCount,
            ["metadata"] = new JsonObject(),
            ["output_type"] = "execute_result",
        },
        ErrorOutput e => new JsonObject
        {
            ["ename"] = e.Name,
            ["evalue"] = e.Value,
            ["output_type"] = "error",
            ["traceback"] = new JsonArray([.. e.Traceback.Select(line => (JsonNode?)line)]),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(output), output.GetType().Name, "Unknown output type."),
    };

    private static MimeBundle ReadBundle(JsonNode? data)
    {
        var bundle = new MimeBundle();
        if (data is JsonObject entries)
        {
            foreach (var (mime, content) in entries)
            {
                // JSON-valued types (application/json …) are kept as their JSON text.
                string text = content is JsonValue or JsonArray ? ReadMultiline(content) : content?.ToJsonString() ?? "";
                bundle.Add(mime, MimeBundle.BinaryTypes.Contains(mime) ? text.Replace("\n", "") : text);
            }
        }
        return bundle;
    }

    private static JsonObject WriteBundle(MimeBundle bundle)
    {
        var json = new JsonObject();
        foreach (var (mime, content) in bundle)
            json[mime] = MimeBundle.BinaryTypes.Contains(mime) ? JsonValue.Create(content) : WriteMultiline(content);
        return json;
    }

    /// <summary>nbformat's "multiline string": a string, or a list of strings to concatenate.</summary>
    private static string ReadMultiline(JsonNode? node) => node switch
    {
        null => "",
        JsonArray lines => string.Concat(lines.Select(line => line?.GetValue<string>() ?? "")),
        _ => node.GetValue<string>(),
    };

    /// <summary>Written as Jupyter does: a list of lines, each keeping its '\n' except the last.</summary>
    private static JsonArray WriteMultiline(string text)
    {
        var lines = new JsonArray();
        int start = 0;
        text = text.ReplaceLineEndings("\n");
        while (start < text.Length)
        {
            int newline = text.IndexOf('\n', start);
            int end = newline < 0 ? text.Length : newline + 1;
            lines.Add((JsonNode?)text[start..end]);
            start = end;
        }
        return lines;
    }
}
