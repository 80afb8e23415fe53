namespace ImageCaptioning.Web.Examples;

/// <summary>
/// Reads the table in an examples folder's ATTRIBUTION.md: rows <c>| file | subject | licence |</c>,
/// so the gallery can title and credit each photo.
/// </summary>
public static class AttributionTable
{
    public const string FileName = "ATTRIBUTION.md";

    /// <summary>File name → (subject, licence); empty when the folder has no attribution file.</summary>
    public static IReadOnlyDictionary<string, (string Subject, string Licence)> Read(string folder)
    {
        var rows = new Dictionary<string, (string, string)>(StringComparer.OrdinalIgnoreCase);
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
            return rows;
        foreach (string line in File.ReadLines(path))
        {
            string[] cells = line.Trim().Trim('|').Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length < 3 || cells[0].Length == 0 || cells[0].StartsWith('-') || cells[0].Equals("file", StringComparison.OrdinalIgnoreCase))
                continue;
            rows[cells[0]] = (cells[1], cells[2]);
        }
        return rows;
    }
}
