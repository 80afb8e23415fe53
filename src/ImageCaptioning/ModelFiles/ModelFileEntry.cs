namespace ImageCaptioning.ModelFiles;

/// <summary>One file listed in <c>models/manifest.json</c>: what it is and how to check a copy of it.</summary>
/// <param name="Name">File name, also the name it has in any folder that holds it.</param>
/// <param name="Description">What the file is (for messages and docs).</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the exact bytes.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Urls">Where it can be downloaded from, tried in order.</param>
public sealed record ModelFileEntry(string Name, string? Description, string Sha256, long Size, IReadOnlyList<string> Urls);
