using System.Text.Json.Serialization;

namespace ImageCaptioning.Web.Examples;

/// <summary>One picture of the example gallery. Clients name it by <see cref="Id"/>; its path never leaves the server.</summary>
/// <param name="Id">Server-made identifier (letters, digits, '-').</param>
/// <param name="Title">What the picture shows (from the attribution table) or its file name.</param>
/// <param name="Credit">Licence and author, when known.</param>
/// <param name="ContentType">MIME type of the file.</param>
/// <param name="FilePath">Where the file is; not serialized.</param>
public sealed record ExampleImage(
    string Id,
    string Title,
    string? Credit,
    string ContentType,
    [property: JsonIgnore] string FilePath);
