using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImageCaptioning.Web.Examples;

/// <summary>
/// An examples folder's <c>gallery.json</c>: which photos the gallery shows, in order, with each one's source and
/// licence, the words its caption should name, and whether it lies outside the training data.
/// </summary>
public sealed record GalleryManifest(
    [property: JsonPropertyName("examples")] IReadOnlyList<GalleryEntry> Examples)
{
    public const string FileName = "gallery.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>The folder's manifest, or null when it has none.</summary>
    /// <exception cref="InvalidDataException">The file is not valid JSON or an entry lacks its file, title or licence (the message names the file).</exception>
    public static GalleryManifest? Read(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
            return null;
        GalleryManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<GalleryManifest>(File.ReadAllText(path), Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{path}' is not a gallery manifest: {ex.Message}", ex);
        }
        if (manifest?.Examples is null)
            throw new InvalidDataException($"'{path}' has no \"examples\" list.");
        foreach (var (entry, index) in manifest.Examples.Select((e, i) => (e, i)))
        {
            if (string.IsNullOrWhiteSpace(entry.File) || string.IsNullOrWhiteSpace(entry.Title) || string.IsNullOrWhiteSpace(entry.Licence))
                throw new InvalidDataException($"'{path}': example {index + 1} needs a file, a title and a licence.");
            if (entry.File != Path.GetFileName(entry.File))
                throw new InvalidDataException($"'{path}': example {index + 1} names '{entry.File}'; only a file name in the same folder is allowed.");
        }
        return manifest;
    }
}

/// <summary>One photo of a <see cref="GalleryManifest"/>.</summary>
/// <param name="File">The photo's file name in the same folder.</param>
/// <param name="Title">What it shows, as the gallery labels it.</param>
/// <param name="Subjects">Words (or phrases) any one of which names its main subject.</param>
/// <param name="OutsideTrainingData">Whether it is unlike Flickr8k (the out-of-distribution check flags it).</param>
/// <param name="Licence">Its licence, e.g. <c>CC0-1.0</c> or <c>public domain</c>.</param>
/// <param name="Author">Who made it.</param>
/// <param name="Source">Where this copy comes from.</param>
/// <param name="SourceUrl">The original's page.</param>
public sealed record GalleryEntry(
    string File,
    string Title,
    IReadOnlyList<string>? Subjects,
    bool OutsideTrainingData,
    string Licence,
    string? Author,
    string? Source,
    string? SourceUrl)
{
    /// <summary>Licence, author and source in one line, as the page credits the photo.</summary>
    public string Credit => string.Join(", ", new[] { Licence, Author is { Length: > 0 } ? $"by {Author}" : null, Source }.Where(s => !string.IsNullOrWhiteSpace(s)));
}
