using System.Collections;

namespace ImageCaptioning.Notebooks.Format;

/// <summary>
/// One value in several representations, keyed by MIME type, as nbformat's <c>data</c> object. Text types hold
/// the text itself; binary types (<c>image/png</c>, <c>image/jpeg</c>) hold base64, as nbformat stores them.
/// Insertion order is kept, so files are written in a stable order.
/// </summary>
public sealed class MimeBundle : IReadOnlyDictionary<string, string>
{
    public const string PlainText = "text/plain";
    public const string Html = "text/html";
    public const string Markdown = "text/markdown";
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";

    /// <summary>MIME types whose content is base64, not text.</summary>
    public static IReadOnlySet<string> BinaryTypes { get; } = new HashSet<string>([Png, Jpeg], StringComparer.Ordinal);

    private readonly List<KeyValuePair<string, string>> _entries = [];

    public MimeBundle() { }

    public MimeBundle(IEnumerable<KeyValuePair<string, string>> entries)
    {
        foreach (var (mime, content) in entries)
            Add(mime, content);
    }

    /// <summary>A bundle holding only plain text.</summary>
    public static MimeBundle FromText(string text) => new() { { PlainText, text } };

    /// <summary>Adds (or replaces) one representation.</summary>
    public void Add(string mimeType, string content)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mimeType);
        ArgumentNullException.ThrowIfNull(content);
        int existing = _entries.FindIndex(e => e.Key == mimeType);
        if (existing >= 0)
            _entries[existing] = new(mimeType, content);
        else
            _entries.Add(new(mimeType, content));
    }

    public string this[string key] => TryGetValue(key, out string? value) ? value : throw new KeyNotFoundException(key);
    public IEnumerable<string> Keys => _entries.Select(e => e.Key);
    public IEnumerable<string> Values => _entries.Select(e => e.Value);
    public int Count => _entries.Count;
    public bool ContainsKey(string key) => _entries.Exists(e => e.Key == key);

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out string value)
    {
        foreach (var entry in _entries)
        {
            if (entry.Key == key)
            {
                value = entry.Value;
                return true;
            }
        }
        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _entries.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
