using ImageCaptioning.Decoding;
using ImageCaptioning.Errors;
using ImageCaptioning.Imaging;

namespace ImageCaptioning.Web.Problems;

/// <summary>Turns an exception into the status code and <see cref="ApiError"/> the API answers with.</summary>
public static class ApiErrorMapping
{
    public const string UnexpectedDetail = "An unexpected error occurred on the server; the details are in the server log.";

    /// <summary>The status and body for <paramref name="exception"/>; <c>IsBug</c> is true when it should be logged with its stack.</summary>
    public static (int Status, ApiError Body, bool IsBug) Map(Exception exception) => exception switch
    {
        // The image itself is bad. "Not an image" is the client's mistake in the body (400); 415 is kept
        // for a recognised format we do not decode and for a request whose content type is not an image.
        InvalidImageException bad => bad.Reason switch
        {
            InvalidImageReason.Empty => (StatusCodes.Status400BadRequest, new ApiError(ApiErrorCode.Empty, bad.Message), false),
            InvalidImageReason.NotAnImage => (StatusCodes.Status400BadRequest, new ApiError(ApiErrorCode.NotAnImage, bad.Message), false),
            InvalidImageReason.Corrupt => (StatusCodes.Status400BadRequest, new ApiError(ApiErrorCode.Corrupt, bad.Message), false),
            InvalidImageReason.TooLarge => (StatusCodes.Status413PayloadTooLarge, new ApiError(ApiErrorCode.TooLarge, bad.Message), false),
            InvalidImageReason.UnsupportedFormat => (StatusCodes.Status415UnsupportedMediaType, new ApiError(ApiErrorCode.UnsupportedFormat, bad.Message), false),
            _ => (StatusCodes.Status400BadRequest, new ApiError(ApiErrorCode.BadRequest, bad.Message), false),
        },
        WebRequestException web => (web.StatusCode, new ApiError(web.Error, web.Message), false),
        // Kestrel's own refusals: body over MaxRequestBodySize (413), malformed HTTP or multipart (400).
        BadHttpRequestException http => http.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => (http.StatusCode, new ApiError(ApiErrorCode.TooLarge, "The request body is larger than the server accepts."), false),
            StatusCodes.Status408RequestTimeout => (http.StatusCode, new ApiError(ApiErrorCode.Timeout, "The request body arrived too slowly."), false),
            _ => (http.StatusCode, new ApiError(ApiErrorCode.BadRequest, "The request could not be read: " + http.Message), false),
        },
        // A malformed multipart body (bad boundary, truncated section) surfaces as InvalidDataException.
        InvalidDataException data => (StatusCodes.Status400BadRequest, new ApiError(ApiErrorCode.BadRequest, "The request body could not be read: " + data.Message), false),
        InvalidDecodingOptionsException options => (StatusCodes.Status400BadRequest, new ApiError(ApiErrorCode.InvalidOption, options.Message), false),
        // Any other deliberate error (e.g. a model file that fails its check) is a readable sentence but the server's fault.
        ImageCaptioningException known => (StatusCodes.Status500InternalServerError, new ApiError(ApiErrorCode.Internal, known.Message), true),
        _ => (StatusCodes.Status500InternalServerError, new ApiError(ApiErrorCode.Internal, UnexpectedDetail), true),
    };
}
