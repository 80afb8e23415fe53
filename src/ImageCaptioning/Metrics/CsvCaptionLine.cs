namespace ImageCaptioning.Metrics;

/// <summary>
/// Parses one "image,caption" CSV line (RFC 4180 quotes) of Kaggle's Flickr8k <c>captions.txt</c> or our captions files.
/// Everything after the first comma is the caption, because Kaggle's file is sometimes rewritten without quotes.
/// </summary>
internal static class CsvCaptionLine
{
    /// <summary>Splits <paramref name="line"/> into image and caption, or returns an error description.</summary>
    public static bool TryParse(string line, out string image, out string caption, out string error)
    {
        image = caption = error = "";
        int position = 0;
        if (!TryReadField(line, ref position, out image, out error))
            return false;
        if (position >= line.Length || line[position] != ',')
        {
            error = "expected 'image,caption'";
            return false;
        }
        position++;
        if (position < line.Length && line[position] == '"')
        {
            if (!TryReadField(line, ref position, out caption, out error))
                return false;
            if (position != line.Length)
            {
                error = "unexpected text after the quoted caption";
                return false;
            }
        }
        else
        {
            caption = line[position..];
        }
        return true;
    }

    private static bool TryReadField(string line, ref int position, out string value, out string error)
    {
        error = "";
        if (position < line.Length && line[position] == '"')
        {
            var text = new System.Text.StringBuilder();
            int i = position + 1;
            while (i < line.Length)
            {
                if (line[i] == '"')
                {
                    if (i + 1 < line.Length && line[i + 1] == '"') { text.Append('"'); i += 2; continue; }
                    position = i + 1;
                    value = text.ToString();
                    return true;
                }
                text.Append(line[i++]);
            }
            value = "";
            error = "a quoted field is not closed";
            return false;
        }
        int comma = line.IndexOf(',', position);
        int end = comma < 0 ? line.Length : comma;
        value = line[position..end];
        position = end;
        return true;
    }
}
