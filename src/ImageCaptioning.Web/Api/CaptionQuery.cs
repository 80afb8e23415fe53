using System.Globalization;
using ImageCaptioning.Decoding;
using ImageCaptioning.Web.Configuration;
using ImageCaptioning.Web.Problems;

namespace ImageCaptioning.Web.Api;

/// <summary>
/// The generation options of a caption request, read from form fields first and the query string
/// second: <c>beamWidth</c>, <c>maxLength</c>, <c>nBest</c> and <c>guidance</c> (<c>off</c> or <c>tags</c>). Out-of-range or malformed values are a
/// 400 naming the option, never silently clamped.
/// </summary>
public static class CaptionQuery
{
    public const string BeamWidth = "beamWidth";
    public const string MaxLength = "maxLength";
    public const string NBest = "nBest";
    public const string Guidance = "guidance";

    public static DecodingOptions Parse(IQueryCollection query, IReadOnlyDictionary<string, string> fields, WebOptions limits)
    {
        var defaults = DecodingOptions.Default;
        int beamWidth = ReadInt(BeamWidth, query, fields, defaults.BeamWidth, 1, limits.MaxBeamWidth);
        int maxLength = ReadInt(MaxLength, query, fields, defaults.MaxLength, 1, limits.MaxCaptionLength);
        int nBest = ReadInt(NBest, query, fields, Math.Min(defaults.NBest, beamWidth), 1, limits.MaxBeamWidth);
        // The server's own limits are checked above; DecodingOptions checks the library's as it is made (a 400 as well).
        return defaults with
        {
            BeamWidth = beamWidth,
            MaxLength = maxLength,
            NBest = nBest,
            Method = beamWidth == 1 ? DecodingMethod.Greedy : DecodingMethod.Beam,
            Guidance = ReadGuidance(query, fields, defaults.Guidance),
        };
    }

    private static int ReadInt(string name, IQueryCollection query, IReadOnlyDictionary<string, string> fields, int fallback, int min, int max)
    {
        string? text = fields.TryGetValue(name, out var field) ? field : query.TryGetValue(name, out var values) ? values.ToString() : null;
        if (string.IsNullOrWhiteSpace(text))
            return fallback;
        if (!int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            throw new WebRequestException(StatusCodes.Status400BadRequest, ApiErrorCode.InvalidOption,
                $"'{name}' must be a whole number from {min} to {max}; got '{Shorten(text)}'.");
        return value;
    }

    private static DecodingGuidance ReadGuidance(IQueryCollection query, IReadOnlyDictionary<string, string> fields, DecodingGuidance fallback)
    {
        string? text = fields.TryGetValue(Guidance, out var field) ? field : query.TryGetValue(Guidance, out var values) ? values.ToString() : null;
        if (string.IsNullOrWhiteSpace(text))
            return fallback;
        return text.Trim().ToLowerInvariant() switch
        {
            "off" => DecodingGuidance.Off,
            "tags" => DecodingGuidance.Tags,
            _ => throw new WebRequestException(StatusCodes.Status400BadRequest, ApiErrorCode.InvalidOption,
                $"'{Guidance}' must be 'off' or 'tags'; got '{Shorten(text)}'."),
        };
    }

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..20] + "…";
}
