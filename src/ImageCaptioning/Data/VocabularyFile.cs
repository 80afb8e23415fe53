using System.Text.Json;

namespace ImageCaptioning.Data;

/// <summary>
/// The vocabulary's JSON file: <c>{"format":"imagecaptioning-vocab/1","min_count":5,"tokens":["&lt;pad&gt;","&lt;start&gt;","&lt;end&gt;","&lt;unk&gt;","a",…]}</c>.
/// Index in <c>tokens</c> = id. Rules checked on reading: the format string matches, <c>min_count</c> is a
/// positive integer, the first four tokens are the special tokens in id order, every token is a non-empty
/// string without whitespace, and no token appears twice. Other properties are ignored.
/// </summary>
internal static class VocabularyFile
{
    public const string FormatName = "imagecaptioning-vocab/1";

    // Keep "<pad>" readable instead of "\u003Cpad\u003E": the file is data, never embedded in HTML.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(string path, Vocabulary vocabulary)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string fullPath = Path.GetFullPath(path);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        string temporary = fullPath + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var json = new Utf8JsonWriter(stream, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("format", FormatName);
            json.WriteNumber("min_count", vocabulary.MinCount);
            json.WriteStartArray("tokens");
            foreach (string token in vocabulary.Tokens)
                json.WriteStringValue(token);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        File.Move(temporary, fullPath, overwrite: true);
    }

    public static Vocabulary Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
            throw new VocabularyFormatException(path, "the file does not exist.");
        JsonDocument document;
        try
        {
            using var stream = File.OpenRead(path);
            document = JsonDocument.Parse(stream);
        }
        catch (JsonException ex)
        {
            throw new VocabularyFormatException(path, $"not valid JSON ({ex.Message}).", ex);
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new VocabularyFormatException(path, "the top level must be a JSON object.");
            string? format = root.TryGetProperty("format", out JsonElement f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            if (format != FormatName)
                throw new VocabularyFormatException(path, $"\"format\" must be \"{FormatName}\" but is {(format is null ? "missing" : $"\"{format}\"")}.");
            if (!root.TryGetProperty("min_count", out JsonElement m) || m.ValueKind != JsonValueKind.Number || !m.TryGetInt32(out int minCount) || minCount < 1)
                throw new VocabularyFormatException(path, "\"min_count\" must be a positive integer.");
            if (!root.TryGetProperty("tokens", out JsonElement t) || t.ValueKind != JsonValueKind.Array)
                throw new VocabularyFormatException(path, "\"tokens\" must be an array of strings.");
            string[] tokens = ReadTokens(path, t);
            return new Vocabulary(tokens, minCount);
        }
    }

    private static string[] ReadTokens(string path, JsonElement array)
    {
        var tokens = new string[array.GetArrayLength()];
        if (tokens.Length < Vocabulary.SpecialTokens.Count)
            throw new VocabularyFormatException(path, $"\"tokens\" has {tokens.Length} entries; it must start with the {Vocabulary.SpecialTokens.Count} special tokens.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int id = 0;
        foreach (JsonElement element in array.EnumerateArray())
        {
            string? token = element.ValueKind == JsonValueKind.String ? element.GetString() : null;
            if (string.IsNullOrEmpty(token) || token.Any(char.IsWhiteSpace))
                throw new VocabularyFormatException(path, $"token {id} must be a non-empty string without whitespace.");
            if (id < Vocabulary.SpecialTokens.Count && token != Vocabulary.SpecialTokens[id])
                throw new VocabularyFormatException(path, $"token {id} must be \"{Vocabulary.SpecialTokens[id]}\" but is \"{token}\".");
            if (!seen.Add(token))
                throw new VocabularyFormatException(path, $"token \"{token}\" appears more than once (again at id {id}).");
            tokens[id++] = token;
        }
        return tokens;
    }
}
