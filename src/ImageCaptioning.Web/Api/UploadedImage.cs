namespace ImageCaptioning.Web.Api;

/// <summary>An image read from a request, before any check of its content, plus the form's text fields.</summary>
/// <param name="Bytes">The encoded file as sent.</param>
/// <param name="Fields">Text fields of a multipart form (empty for a raw body), case-insensitive.</param>
public sealed record UploadedImage(byte[] Bytes, IReadOnlyDictionary<string, string> Fields);
