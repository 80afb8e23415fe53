using ImageCaptioning.Imaging;
using ImageCaptioning.Web.Problems;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace ImageCaptioning.Web.Api;

/// <summary>
/// Reads the image of a request (multipart file part, or a raw image/* or octet-stream body) into memory once, within the
/// byte limit and a deadline, before a caption slot is taken: a slow or broken upload costs a connection, never model time.
/// </summary>
public static class ImageUploadReader
{
    /// <summary>Room for multipart boundaries, part headers and the option fields around the file.</summary>
    public const long MultipartOverheadBytes = 64 * 1024;

    private const int MaxFields = 32;
    private const int MaxFieldBytes = 4096;

    /// <exception cref="WebRequestException">415 for a content type that cannot carry an image, 400 for a form without a file.</exception>
    /// <exception cref="InvalidImageException">Too large (<see cref="InvalidImageReason.TooLarge"/>) or empty.</exception>
    /// <exception cref="WebRequestException">Also 408 when the body has not arrived within <paramref name="deadline"/>, 400 when it is cut short or malformed.</exception>
    public static async Task<UploadedImage> ReadAsync(HttpRequest request, long maxImageBytes, TimeSpan deadline, CancellationToken ct)
    {
        // The deadline cancels the pending body read through the pipe, not through a token: a token-cancelled read leaves
        // Kestrel's body reader mid-read, and its drain after the answer then fails and logs an error for every such request.
        using var timeout = new CancellationTokenSource(deadline);
        using var cancelRead = timeout.Token.Register(() => request.BodyReader.CancelPendingRead());
        try
        {
            return await ReadWithinAsync(request, maxImageBytes, ct);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new WebRequestException(StatusCodes.Status408RequestTimeout, ApiErrorCode.Timeout,
                $"The request body did not arrive within {deadline.TotalSeconds:0.#} s.") { BodyUnreadable = true };
        }
        catch (BadHttpRequestException http) when (http.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            throw new WebRequestException(StatusCodes.Status408RequestTimeout, ApiErrorCode.Timeout,
                "The request body arrived too slowly.") { BodyUnreadable = true };
        }
        catch (BadHttpRequestException http) when (http.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(maxImageBytes, maxImageBytes, exact: false);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            // MultipartReader: InvalidDataException for a bad section, IOException("Unexpected end of Stream") when the body
            // (or a Content-Length shorter than what was sent) ends before the closing boundary.
            string why = ex is IOException && ex.Message.StartsWith("Unexpected end of Stream", StringComparison.Ordinal)
                ? "it ends before the form's closing boundary (cut short, or longer than its Content-Length says)."
                : Sentence(ex.Message);
            throw new WebRequestException(StatusCodes.Status400BadRequest, ApiErrorCode.BadRequest,
                $"The request body could not be read: {why}") { BodyUnreadable = true };
        }
    }

    private static string Sentence(string message)
    {
        string line = message.Split('\n')[0].Trim();
        return line.EndsWith('.') ? line : line + ".";
    }

    private static async Task<UploadedImage> ReadWithinAsync(HttpRequest request, long maxImageBytes, CancellationToken ct)
    {
        long maxBody = maxImageBytes + MultipartOverheadBytes;
        if (request.ContentLength > maxBody)
            throw TooLarge(request.ContentLength.Value, maxImageBytes);
        // Kestrel stops reading at this size by itself (its default is 30 MB).
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
            sizeFeature.MaxRequestBodySize = maxBody;

        var body = new CancellableBodyStream(request.BodyReader);
        string? contentType = request.ContentType;
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            // No content type: take the body as the image (what `curl --data-binary` without -H would need otherwise).
            return new UploadedImage(await ReadLimitedAsync(body, maxImageBytes, Announced(request), ct), EmptyFields);
        }
        if (mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return await ReadMultipartAsync(body, mediaType, maxImageBytes, Announced(request), ct);
        if (mediaType.Type.Equals("image", StringComparison.OrdinalIgnoreCase)
            || mediaType.MediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase))
        {
            if (request.ContentLength > maxImageBytes) // a raw body is the image itself: its announced length is its exact size
                throw TooLarge(request.ContentLength.Value, maxImageBytes);
            return new UploadedImage(await ReadLimitedAsync(body, maxImageBytes, Announced(request), ct), EmptyFields);
        }

        throw new WebRequestException(StatusCodes.Status415UnsupportedMediaType, ApiErrorCode.UnsupportedMediaType,
            $"A request with content type '{mediaType.MediaType}' cannot carry an image: send multipart/form-data with a file field " +
            "named 'image', or the raw image with content type image/* or application/octet-stream.");
    }

    /// <summary>Largest announced length believed before the bytes arrive, so a slow client cannot make the server hold memory it never sends.</summary>
    private const long BelievedContentLength = 1024 * 1024;

    /// <summary>The Content-Length to size the upload's array by (larger uploads grow it as their bytes arrive).</summary>
    private static long? Announced(HttpRequest request) =>
        request.ContentLength is { } length ? Math.Min(length, BelievedContentLength) : null;

    private static readonly IReadOnlyDictionary<string, string> EmptyFields = new Dictionary<string, string>();

    /// <param name="bodyLength">The announced body length: the file part is a little smaller, so one array of this size holds it.</param>
    private static async Task<UploadedImage> ReadMultipartAsync(Stream body, MediaTypeHeaderValue mediaType, long maxImageBytes, long? bodyLength,
        CancellationToken ct)
    {
        string boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value ?? "";
        if (boundary.Length == 0)
            throw new WebRequestException(StatusCodes.Status400BadRequest, ApiErrorCode.BadRequest,
                "The multipart/form-data content type has no boundary.");
        var reader = new MultipartReader(boundary, body) { HeadersCountLimit = 16, HeadersLengthLimit = 8 * 1024 };
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        ReadOnlyMemory<byte>? image = null;
        for (var section = await reader.ReadNextSectionAsync(ct); section is not null; section = await reader.ReadNextSectionAsync(ct))
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                continue;
            bool isFile = disposition.FileName.HasValue || disposition.FileNameStar.HasValue;
            if (isFile)
            {
                if (image is not null)
                    throw new WebRequestException(StatusCodes.Status400BadRequest, ApiErrorCode.BadRequest,
                        "The form holds more than one file; send one image per request.");
                image = await ReadLimitedAsync(section.Body, maxImageBytes, bodyLength, ct);
            }
            else if (fields.Count < MaxFields)
            {
                string name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                byte[] value = await ReadLimitedFieldAsync(section.Body, name, ct);
                fields[name] = System.Text.Encoding.UTF8.GetString(value);
            }
        }
        if (image is null)
            throw new WebRequestException(StatusCodes.Status400BadRequest, ApiErrorCode.BadRequest,
                "The form holds no file: add the image as a file field named 'image'.");
        return new UploadedImage(image.Value, fields);
    }

    /// <summary>Reads at most <paramref name="maxBytes"/> bytes straight into one array (the upload's only copy); one more byte means too large.</summary>
    private static ValueTask<ReadOnlyMemory<byte>> ReadLimitedAsync(Stream body, long maxBytes, long? expectedLength, CancellationToken ct) =>
        LimitedStreamReader.ReadAsync(body, maxBytes, expectedLength, _ => TooLarge(maxBytes, maxBytes, exact: false), ct);

    private static async Task<byte[]> ReadLimitedFieldAsync(Stream body, string name, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxFieldBytes)
                throw new WebRequestException(StatusCodes.Status400BadRequest, ApiErrorCode.BadRequest,
                    $"The form field '{name}' is longer than {MaxFieldBytes} bytes.");
        }
        return buffer.ToArray();
    }

    private static InvalidImageException TooLarge(long length, long maxBytes, bool exact = true) =>
        new(InvalidImageReason.TooLarge,
            $"The upload is {(exact ? "" : "more than ")}{length:N0} bytes; at most {maxBytes:N0} bytes ({maxBytes / (1024.0 * 1024.0):0.#} MB) are accepted.");
}
