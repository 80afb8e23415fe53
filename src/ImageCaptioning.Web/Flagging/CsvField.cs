namespace ImageCaptioning.Web.Flagging;

/// <summary>Writes one CSV field (RFC 4180) from user text that may hold anything.</summary>
public static class CsvField
{
    /// <summary>
    /// One line of text, quoted when needed. Control characters become spaces (a row stays one line), and
    /// a leading = + - @ gets a ' in front so a spreadsheet opening the log shows text instead of running a formula.
    /// </summary>
    public static string Escape(string value)
    {
        var chars = value.Select(c => char.IsControl(c) ? ' ' : c).ToArray();
        string text = new(chars);
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@')
            text = "'" + text;
        return text.IndexOfAny([',', '"', ' ']) >= 0 || text.Length == 0 ? $"\"{text.Replace("\"", "\"\"")}\"" : text;
    }
}
