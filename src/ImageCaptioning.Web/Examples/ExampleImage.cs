using System.Text.Json.Serialization;

namespace ImageCaptioning.Web.Examples;

/// <summary>One picture of the example gallery. Clients name it by <see cref="Id"/>; its path never leaves the server.</summary>
/// <param name="Id">Server-made identifier (letters, digits, '-').</param>
/// <param name="Title">What the picture shows (from the folder's gallery.json or ATTRIBUTION.md) or its file name.</param>
/// <param name="Credit">Licence, author and source, when known.</param>
/// <param name="ContentType">MIME type of the file (of every photo it serves, for <paramref name="Random"/>).</param>
/// <param name="FilePath">Where the file is; null for <paramref name="Random"/>; not serialized.</param>
/// <param name="Subjects">Words any one of which its caption should contain (empty when not curated).</param>
/// <param name="OutsideTrainingData">Shown as outside the model's training data (the out-of-distribution check flags it).</param>
/// <param name="SourceUrl">The original's page, when known.</param>
/// <param name="Random">Each request serves another photo (a random Flickr8k test image).</param>
public sealed record ExampleImage(
    string Id,
    string Title,
    string? Credit,
    string ContentType,
    [property: JsonIgnore] string? FilePath,
    IReadOnlyList<string> Subjects,
    bool OutsideTrainingData = false,
    string? SourceUrl = null,
    bool Random = false);
