using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ImageCaptioning.Decoding;
using ImageCaptioning.Model;

namespace ImageCaptioning.ModelFolder;

/// <summary>
/// A model folder's own default decoding, <see cref="FileName"/>: the <see cref="DecodingOptions"/> values that differ
/// from the library's defaults, chosen on the dev split for this model (a model without the file decodes with
/// <see cref="DecodingOptions.Default"/>). Example:
/// <c>{"format":"imagecaptioning-decoding/1","options":{"consensusLogProbabilityWeight":3,"consensusLengthExponent":0},"chosen":"…"}</c>.
/// Every value goes through DecodingOptions' own checks; an unknown name is an error, not ignored.
/// </summary>
public static class DecodingDefaultsFile
{
    public const string FileName = "decoding.json";
    public const string FormatName = "imagecaptioning-decoding/1";

    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // the note stays readable; the file is never HTML
    };

    /// <summary>Writes <paramref name="options"/>' values that differ from <see cref="DecodingOptions.Default"/>, with a note on how they were chosen.</summary>
    public static void Save(string path, DecodingOptions options, string chosen)
    {
        ArgumentNullException.ThrowIfNull(options);
        var all = JsonSerializer.SerializeToNode(options, s_options)!.AsObject();
        var defaults = JsonSerializer.SerializeToNode(DecodingOptions.Default, s_options)!.AsObject();
        var changed = new JsonObject();
        foreach (var (name, value) in all)
            if (!JsonNode.DeepEquals(value, defaults[name]))
                changed[name] = value?.DeepClone();
        var file = new JsonObject { ["format"] = FormatName, ["options"] = changed, ["chosen"] = chosen ?? "" };
        File.WriteAllText(path, file.ToJsonString(s_options) + "\n");
    }

    /// <summary>The options the file sets (the others keep the library's defaults).</summary>
    /// <exception cref="ModelFormatException">Not such a file, an unknown option, or a value DecodingOptions refuses.</exception>
    public static DecodingOptions Load(string path)
    {
        try
        {
            var file = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
            if (file?["format"]?.GetValue<string>() != FormatName || file["options"] is not JsonObject options)
                throw new ModelFormatException($"'{path}' is not a {FormatName} file (fields 'format' and 'options').");
            return options.Deserialize<DecodingOptions>(s_options)
                ?? throw new ModelFormatException($"'{path}': 'options' is empty.");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or InvalidDecodingOptionsException)
        {
            throw new ModelFormatException($"'{path}': {ex.Message}");
        }
    }
}
