using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ImageCaptioning.Decoding;
using ImageCaptioning.Model;

namespace ImageCaptioning.ModelFolder;

/// <summary>
/// A model folder's own decoding choice, in two optional files, each a JSON object with a <c>format</c> field, covered by
/// <c>checksums.sha256</c> when present, and read and written by the same code here (format check, errors that name the
/// file, checksum line):
/// <list type="bullet">
/// <item><see cref="DefaultsFileName"/>: the <see cref="DecodingOptions"/> values that differ from the library's defaults,
///   chosen on the dev split for this model (a folder without it decodes with <see cref="DecodingOptions.Default"/>), e.g.
///   <c>{"format":"imagecaptioning-decoding/1","options":{"consensusLogProbabilityWeight":5,"consensusLengthExponent":0.25},"chosen":"…"}</c>.
///   Every value goes through DecodingOptions' own checks; an unknown name is an error, not ignored;</item>
/// <item><see cref="ConsensusDocumentFrequencies.FileName"/>: the training references' document frequencies for
///   <see cref="ConsensusWeighting.DocumentFrequency"/> re-ranking,
///   <c>{"format":"imagecaptioning-cider-df/1","images":6000,"source":"…","document_frequencies":{"a":5999,…}}</c>.</item>
/// </list>
/// </summary>
public static class DecodingFiles
{
    public const string DefaultsFileName = "decoding.json";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // notes and n-grams stay readable; never HTML
    };

    private static readonly JsonSerializerOptions s_indented = new(s_json) { WriteIndented = true };

    /// <summary>
    /// The folder's default decoding and document frequencies, each checked against <c>checksums.sha256</c>: the library's
    /// defaults and null where the folder has no such file.
    /// </summary>
    /// <exception cref="ModelFormatException">A file is unlisted, modified, or not a valid file of its format.</exception>
    public static (DecodingOptions Defaults, ConsensusDocumentFrequencies? Frequencies) Load(string folder) =>
        (LoadOptional(folder, DefaultsFileName, ReadDefaults) ?? DecodingOptions.Default,
            LoadOptional(folder, ConsensusDocumentFrequencies.FileName, ReadFrequencies));

    /// <summary>
    /// Adds (or replaces) the folder's <see cref="DefaultsFileName"/> and, when given, its
    /// <see cref="ConsensusDocumentFrequencies.FileName"/>, each with its checksum line; the other files are untouched.
    /// </summary>
    public static void Write(string folder, DecodingOptions defaults, string chosen, ConsensusDocumentFrequencies? frequencies)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        if (frequencies is not null)
            WriteChecksummed(folder, ConsensusDocumentFrequencies.FileName, path => SaveFrequencies(path, frequencies));
        WriteChecksummed(folder, DefaultsFileName, path => SaveDefaults(path, defaults, chosen));
    }

    private const string DefaultsFormat = "imagecaptioning-decoding/1";
    private const string FrequenciesFormat = "imagecaptioning-cider-df/1";

    /// <summary>Writes <paramref name="options"/>' values that differ from <see cref="DecodingOptions.Default"/>, with a note on how they were chosen.</summary>
    public static void SaveDefaults(string path, DecodingOptions options, string chosen)
    {
        ArgumentNullException.ThrowIfNull(options);
        var all = JsonSerializer.SerializeToNode(options, s_json)!.AsObject();
        var defaults = JsonSerializer.SerializeToNode(DecodingOptions.Default, s_json)!.AsObject();
        var changed = new JsonObject();
        foreach (var (name, value) in all)
            if (!JsonNode.DeepEquals(value, defaults[name]))
                changed[name] = value?.DeepClone();
        Save(path, DefaultsFormat, s_indented, ("options", changed), ("chosen", chosen ?? ""));
    }

    /// <summary>The options a <see cref="DefaultsFileName"/> sets (the others keep the library's defaults).</summary>
    /// <exception cref="ModelFormatException">Not such a file, an unknown option, or a value DecodingOptions refuses.</exception>
    public static DecodingOptions ReadDefaults(string path) =>
        Read(path, DefaultsFormat, ["options", "chosen"], file =>
            Required(file, "options").Deserialize<DecodingOptions>(s_json) ?? throw new JsonException("'options' is null."));

    /// <summary>Writes the table (n-grams sorted, so the same counts give the same bytes and checksum).</summary>
    public static void SaveFrequencies(string path, ConsensusDocumentFrequencies frequencies)
    {
        ArgumentNullException.ThrowIfNull(frequencies);
        var table = new JsonObject(frequencies.Frequencies.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        Save(path, FrequenciesFormat, s_json, ("images", frequencies.Images), ("source", frequencies.Source), ("document_frequencies", table));
    }

    /// <summary>Reads a table written by <see cref="SaveFrequencies"/>.</summary>
    /// <exception cref="ModelFormatException">The file is not such a table, or a count is out of range.</exception>
    public static ConsensusDocumentFrequencies ReadFrequencies(string path) =>
        Read(path, FrequenciesFormat, ["images", "source", "document_frequencies"], file => new ConsensusDocumentFrequencies(
            Required(file, "images").GetValue<int>(),
            Required(file, "document_frequencies").Deserialize<Dictionary<string, int>>(s_json)!,
            file["source"]?.GetValue<string>() ?? ""));

    /// <summary>An optional file of the folder, checked against <c>checksums.sha256</c> when present; null when absent.</summary>
    private static T? LoadOptional<T>(string folder, string fileName, Func<string, T> read) where T : class
    {
        string path = Path.Combine(folder, fileName);
        if (!File.Exists(path)) return null;
        ModelChecksums.Verify(folder, [fileName]);
        return read(path);
    }

    private static void WriteChecksummed(string folder, string fileName, Action<string> save)
    {
        save(Path.Combine(folder, fileName));
        ModelChecksums.AddOrReplace(folder, fileName);
    }

    /// <summary>Writes <c>{"format": <paramref name="format"/>, …<paramref name="fields"/>}</c>.</summary>
    private static void Save(string path, string format, JsonSerializerOptions json, params (string Name, JsonNode? Value)[] fields) =>
        File.WriteAllText(path, new JsonObject(fields.Prepend(("format", format)).Select(f => new KeyValuePair<string, JsonNode?>(f.Name, f.Value))).ToJsonString(json) + "\n");

    /// <summary>
    /// Reads a JSON object whose <c>format</c> is <paramref name="format"/> and whose other fields are among
    /// <paramref name="fields"/>, and turns it into a value; every problem is a <see cref="ModelFormatException"/> naming the file.
    /// </summary>
    private static T Read<T>(string path, string format, string[] fields, Func<JsonObject, T> read)
    {
        try
        {
            if (JsonNode.Parse(File.ReadAllText(path)) is not JsonObject file || file["format"] is not JsonValue name || name.GetValue<string>() != format)
                throw new ModelFormatException($"'{path}': field 'format' must be \"{format}\".");
            if (file.Select(p => p.Key).FirstOrDefault(key => key != "format" && !fields.Contains(key)) is { } unknown)
                throw new ModelFormatException($"'{path}': unknown field '{unknown}' (a {format} file has {string.Join(", ", fields)}).");
            return read(file);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or ArgumentException or InvalidDecodingOptionsException)
        {
            throw new ModelFormatException($"'{path}': {ex.Message}");
        }
    }

    private static JsonNode Required(JsonObject file, string field) => file[field] ?? throw new JsonException($"field '{field}' is missing or null.");
}
