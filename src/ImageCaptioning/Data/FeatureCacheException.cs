using ImageCaptioning.Errors;

namespace ImageCaptioning.Data;

/// <summary>A feature cache cannot give what was asked (e.g. an image whose features were not extracted yet).</summary>
public class FeatureCacheException : ImageCaptioningException
{
    public FeatureCacheException(string filePath, string message) : base(message) => FilePath = filePath;

    /// <summary>The cache file concerned.</summary>
    public string FilePath { get; }
}

/// <summary>A file is not a feature cache, or it is truncated or damaged (bad header, checksum mismatch).</summary>
public sealed class FeatureCacheFormatException(string filePath, string problem)
    : FeatureCacheException(filePath, $"Feature cache '{filePath}' {problem}");

/// <summary>
/// An existing cache was built for another encoder or another image list than the one asked for, so it
/// cannot be resumed; the caller must rebuild it (the CLI's <c>--force</c>) or write elsewhere.
/// </summary>
public sealed class FeatureCacheMismatchException(string filePath, string message)
    : FeatureCacheException(filePath, message);
