using System.Text.Json;

namespace ImageCaptioning.Metrics;

/// <summary>One generated caption read from a captions file, with the line it came from (for error messages).</summary>
public sealed record CaptionsFileEntry(string Image, string Caption, int Line);

/// <summary>
/// Reads generated captions: JSON lines (<c>{"image":"x.jpg","caption":"..."}</c>, or the <c>"file"</c> field of
/// <c>caption --jsonl</c>) or CSV with the header <c>image,caption</c>, chosen by extension, else by the first non-empty
/// line. Images are compared by file name ("images/x.jpg" is "x.jpg") and may appear once; blank lines are skipped.
/// </summary>
public static class CaptionsFile
{
    /// <summary>Every caption in the file, in file order.</summary>
    public static async Task<IReadOnlyList<CaptionsFileEntry>> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path))
            throw new CaptionFileException($"The captions file '{path}' does not exist.");
        var lines = await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false);
        bool json = IsJsonLines(path, lines);
        var entries = new List<CaptionsFileEntry>(lines.Length);
        var firstLineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        string name = Path.GetFileName(path);
        bool expectHeader = !json;
        for (int index = 0; index < lines.Length; index++)
        {
            int lineNumber = index + 1;
            string line = lines[index];
            if (string.IsNullOrWhiteSpace(line))
                continue;
            if (expectHeader)
            {
                if (!line.Trim().Equals("image,caption", StringComparison.OrdinalIgnoreCase))
                    throw new CaptionFileException($"{name} line {lineNumber}: a CSV captions file must start with the header 'image,caption'.");
                expectHeader = false;
                continue;
            }
            var (image, caption) = json ? ParseJsonLine(line, name, lineNumber) : ParseCsvLine(line, name, lineNumber);
            image = Path.GetFileName(image.Trim());
            if (image.Length == 0)
                throw new CaptionFileException($"{name} line {lineNumber}: the image name is empty.");
            if (!firstLineOf.TryAdd(image, lineNumber))
                throw new CaptionFileException($"{name} line {lineNumber}: image '{image}' already has a caption (line {firstLineOf[image]}).");
            entries.Add(new CaptionsFileEntry(image, caption, lineNumber));
        }
        if (entries.Count == 0)
            throw new CaptionFileException($"The captions file '{path}' contains no captions.");
        return entries;
    }

    /// <summary>Image → caption, for <see cref="CaptionEvaluator"/>.</summary>
    public static IReadOnlyDictionary<string, string> ToDictionary(IEnumerable<CaptionsFileEntry> entries) =>
        entries.ToDictionary(e => e.Image, e => e.Caption, StringComparer.Ordinal);

    private static bool IsJsonLines(string path, string[] lines)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is ".jsonl" or ".json" or ".ndjson")
            return true;
        if (extension == ".csv")
            return false;
        string? first = lines.FirstOrDefault(l => !string.IsNullOrWhiteSpace(l));
        return first is not null && first.TrimStart().StartsWith('{');
    }

    private static (string Image, string Caption) ParseCsvLine(string line, string name, int lineNumber) =>
        CsvCaptionLine.TryParse(line, out string image, out string caption, out string error)
            ? (image, caption)
            : throw new CaptionFileException($"{name} line {lineNumber}: {error}.");

    private static (string Image, string Caption) ParseJsonLine(string line, string name, int lineNumber)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            // "file" is what `caption --jsonl` writes, so its output can be scored as it is.
            if (root.ValueKind != JsonValueKind.Object
                || !(root.TryGetProperty("image", out var image) || root.TryGetProperty("file", out image))
                || image.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("caption", out var caption) || caption.ValueKind != JsonValueKind.String)
                throw new CaptionFileException($"{name} line {lineNumber}: expected an object with string fields \"image\" (or \"file\") and \"caption\".");
            return (image.GetString()!, caption.GetString()!);
        }
        catch (JsonException ex)
        {
            throw new CaptionFileException($"{name} line {lineNumber}: not valid JSON ({ex.Message.Split('.')[0]}).", ex);
        }
    }
}
