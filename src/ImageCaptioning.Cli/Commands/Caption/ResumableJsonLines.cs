using System.Text;
using System.Text.Json;

namespace ImageCaptioning.Cli.Commands.Caption;

/// <summary>
/// A `--jsonl --output` file that a rerun continues: the images already in it (one JSON object per line, each with its
/// "file") are skipped, and new lines are appended. A last line cut short by a kill is removed first, so it is redone.
/// </summary>
internal static class ResumableJsonLines
{
    /// <summary>The full paths of the images already captioned in <paramref name="path"/> (none when it does not exist).</summary>
    public static HashSet<string> ReadDone(string path)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        if (!File.Exists(path))
            return done;
        DropUnfinishedLine(path);
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            try
            {
                using var json = JsonDocument.Parse(line);
                if (json.RootElement.TryGetProperty("file", out var file) && file.GetString() is { } name)
                    done.Add(Path.GetFullPath(name));
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"'{path}' line {lineNumber} is not a JSON object ({ex.Message}); it is not a caption --jsonl file to resume.");
            }
        }
        return done;
    }

    /// <summary>Truncates the file after its last newline: a line without one was being written when the run stopped.</summary>
    private static void DropUnfinishedLine(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        long end = stream.Length;
        var buffer = new byte[4096];
        while (end > 0)
        {
            int chunk = (int)Math.Min(buffer.Length, end);
            stream.Position = end - chunk;
            stream.ReadExactly(buffer, 0, chunk);
            int newline = Array.LastIndexOf(buffer, (byte)'\n', chunk - 1);
            if (newline >= 0)
            {
                stream.SetLength(end - chunk + newline + 1);
                return;
            }
            end -= chunk;
        }
        stream.SetLength(0);
    }

    /// <summary>Opens <paramref name="path"/> for appending (creating it and its folder if needed).</summary>
    public static StreamWriter OpenForAppend(string path)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
            Directory.CreateDirectory(folder);
        return new StreamWriter(path, append: true, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }
}
