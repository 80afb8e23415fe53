namespace ImageCaptioning.Encoder;

/// <summary>The 1000 ImageNet class names, line i = class i (<c>imagenet_classes.txt</c>).</summary>
public static class ImageNetClasses
{
    public const string FileName = "imagenet_classes.txt";

    public static async Task<IReadOnlyList<string>> LoadAsync(string path, CancellationToken ct)
    {
        string[] lines = await File.ReadAllLinesAsync(path, ct);
        // Tolerate a trailing empty line, nothing else: a shifted list would mislabel every class.
        var names = lines.Length > EncoderGeometry.Classes && lines.Skip(EncoderGeometry.Classes).All(string.IsNullOrWhiteSpace)
            ? lines[..EncoderGeometry.Classes]
            : lines;
        if (names.Length != EncoderGeometry.Classes || names.Any(string.IsNullOrWhiteSpace))
            throw new InvalidDataException($"'{path}' must hold {EncoderGeometry.Classes} non-empty class names, one per line.");
        return [.. names.Select(n => n.Trim())];
    }
}
