using System.Reflection;
using System.Text.Json;
using ImageCaptioning.Configuration;

namespace ImageCaptioning.ModelFiles;

/// <summary>
/// The list of model files the project knows (<c>models/manifest.json</c>). The checkout's copy is
/// read when there is a checkout; otherwise the copy embedded in this assembly at build time, so a
/// published app still knows the hashes it must check.
/// </summary>
public sealed class ModelManifest
{
    /// <summary>Logical name of the embedded copy (see ImageCaptioning.csproj).</summary>
    internal const string EmbeddedResourceName = "ImageCaptioning.Models.manifest.json";

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    private readonly Dictionary<string, ModelFileEntry> _byName;

    public ModelManifest(IEnumerable<ModelFileEntry> files)
    {
        Files = files.ToList();
        _byName = new Dictionary<string, ModelFileEntry>(StringComparer.Ordinal);
        foreach (var file in Files)
        {
            if (string.IsNullOrWhiteSpace(file.Name) || file.Sha256 is not { Length: 64 })
                throw new InvalidDataException($"Manifest entry '{file.Name}' needs a name and a 64-hex-digit sha256.");
            if (!_byName.TryAdd(file.Name, file with { Sha256 = file.Sha256.ToLowerInvariant() }))
                throw new InvalidDataException($"Manifest lists '{file.Name}' twice.");
        }
    }

    public IReadOnlyList<ModelFileEntry> Files { get; }

    /// <summary>The entry for <paramref name="fileName"/>, or a <see cref="ModelFileException"/> naming the known files.</summary>
    public ModelFileEntry Get(string fileName) =>
        _byName.TryGetValue(fileName, out var entry)
            ? entry
            : throw new ModelFileException(fileName,
                $"'{fileName}' is not listed in models/manifest.json (known files: {string.Join(", ", _byName.Keys)}).");

    public static ModelManifest Parse(string json)
    {
        var document = JsonSerializer.Deserialize<ManifestDocument>(json, JsonOptions)
            ?? throw new InvalidDataException("models/manifest.json is empty.");
        return new ModelManifest(document.Files.Select(f =>
            new ModelFileEntry(f.Name, f.Description, f.Sha256, f.Size, f.Urls ?? [])));
    }

    /// <summary><c>models/manifest.json</c> of the checkout when there is one, else the embedded copy.</summary>
    public static ModelManifest Load(CaptioningPaths paths)
    {
        string checkoutCopy = Path.Combine(paths.ShippedModelsDirectory, "manifest.json");
        if (paths.RepositoryRoot is not null && File.Exists(checkoutCopy))
            return Parse(File.ReadAllText(checkoutCopy));
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(EmbeddedResourceName)
            ?? throw new InvalidOperationException($"The embedded manifest '{EmbeddedResourceName}' is missing from the build.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    private sealed record ManifestDocument(List<ManifestFile> Files);

    private sealed record ManifestFile(string Name, string? Description, string Sha256, long Size, List<string>? Urls);
}
