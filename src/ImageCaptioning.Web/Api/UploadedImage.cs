namespace ImageCaptioning.Web.Api;

/// <summary>An image read from a request, before any check of its content, plus the form's text fields.</summary>
/// <param name="Bytes">The encoded file as sent: the one copy of it the server makes, which the validated image then keeps.</param>
/// <param name="Fields">Text fields of a multipart form (empty for a raw body), case-insensitive.</param>
public sealed record UploadedImage(ReadOnlyMemory<byte> Bytes, IReadOnlyDictionary<string, string> Fields);
