namespace ImageCaptioning.Data;

/// <summary>One caption line as read from a caption file, before any check that its image exists.</summary>
internal readonly record struct CaptionEntry(string ImageName, string Caption);

/// <summary>Parses the two layouts Flickr8k's captions come in: same pairs, same order, caption text untouched.</summary>
internal static class CaptionFileReader
{
    /// <summary>The original release's file name.</summary>
    public const string TokenFileName = "Flickr8k.token.txt";

    /// <summary>The Kaggle re-packaging's file name.</summary>
    public const string KaggleFileName = "captions.txt";

    /// <summary>
    /// <c>Flickr8k.token.txt</c>: one caption per line, <c>&lt;image&gt;.jpg#&lt;n&gt;\t&lt;caption&gt;</c> with n a
    /// small number (0..4). The image name is everything before the last '#'. Blank lines are ignored.
    /// </summary>
    public static List<CaptionEntry> ReadTokenFile(string path)
    {
        var entries = new List<CaptionEntry>(40_500);
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            int tab = line.IndexOf('\t');
            if (tab < 0)
                throw new DatasetFormatException(path, lineNumber, "expected '<image>#<n><TAB><caption>' but found no tab.");
            string key = line[..tab];
            int hash = key.LastIndexOf('#');
            if (hash <= 0 || hash == key.Length - 1 || key.AsSpan(hash + 1).ContainsAnyExceptInRange('0', '9'))
                throw new DatasetFormatException(path, lineNumber, $"expected '<image>#<n>' before the tab but found '{key}'.");
            entries.Add(new CaptionEntry(key[..hash], line[(tab + 1)..]));
        }
        return entries;
    }

    /// <summary>
    /// Kaggle <c>captions.txt</c>: CSV with the header <c>image,caption</c>; the caption is everything after the first
    /// comma, unquoted when quoted. A field spanning lines (Flickr8k has none) is reported as malformed.
    /// </summary>
    public static List<CaptionEntry> ReadKaggleFile(string path)
    {
        var entries = new List<CaptionEntry>(40_500);
        int lineNumber = 0;
        foreach (string rawLine in File.ReadLines(path))
        {
            lineNumber++;
            string line = lineNumber == 1 ? rawLine.TrimStart('\uFEFF') : rawLine;
            if (lineNumber == 1)
            {
                if (!line.Trim().Equals("image,caption", StringComparison.OrdinalIgnoreCase))
                    throw new DatasetFormatException(path, lineNumber, $"expected the header 'image,caption' but found '{Shorten(line)}'.");
                continue;
            }
            if (string.IsNullOrWhiteSpace(line))
                continue;
            int comma = line.IndexOf(',');
            if (comma <= 0)
                throw new DatasetFormatException(path, lineNumber, "expected '<image>,<caption>' but found no image name before a comma.");
            string caption = line[(comma + 1)..];
            if (caption.StartsWith('"'))
                caption = Unquote(caption, path, lineNumber);
            entries.Add(new CaptionEntry(line[..comma], caption));
        }
        return entries;
    }

    /// <summary>Removes CSV quoting: the field must end with the closing quote, and "" inside stands for ".</summary>
    private static string Unquote(string field, string path, int lineNumber)
    {
        if (field.Length < 2 || !field.EndsWith('"'))
            throw new DatasetFormatException(path, lineNumber, "a quoted caption does not end with a closing quote on the same line.");
        ReadOnlySpan<char> inner = field.AsSpan(1, field.Length - 2);
        var text = new System.Text.StringBuilder(inner.Length);
        for (int i = 0; i < inner.Length; i++)
        {
            if (inner[i] != '"')
            {
                text.Append(inner[i]);
                continue;
            }
            if (i + 1 >= inner.Length || inner[i + 1] != '"')
                throw new DatasetFormatException(path, lineNumber, "a quote inside a quoted caption is not doubled (\"\").");
            text.Append('"');
            i++;
        }
        return text.ToString();
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
