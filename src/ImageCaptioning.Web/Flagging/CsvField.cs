namespace ImageCaptioning.Web.Flagging;

/// <summary>Writes one CSV field (RFC 4180) from user text that may hold anything.</summary>
public static class CsvField
{
    /// <summary>
    /// One line of text, quoted when needed. Control characters become spaces (a row stays one line), and
    /// a leading = + - @ (after any blanks; full-width forms too) gets a ' in front so a spreadsheet opening the log shows text instead of running a formula.
    /// </summary>
    public static string Escape(string value)
    {
        var chars = value.Select(c => char.IsControl(c) ? ' ' : c).ToArray();
        string text = new(chars);
        // Spreadsheets skip leading blanks (a tab or newline became one above) before deciding that a cell is a formula.
        string start = text.TrimStart();
        if (start.Length > 0 && start[0] is '=' or '+' or '-' or '@' or '\uFF1D' or '\uFF0B' or '\uFF0D' or '\uFF20')
            text = "'" + text;
        return text.IndexOfAny([',', '"', ' ']) >= 0 || text.Length == 0 ? $"\"{text.Replace("\"", "\"\"")}\"" : text;
    }
}
