using System.Globalization;
using ImageCaptioning.Decoding;
using ImageCaptioning.Web.Configuration;
using ImageCaptioning.Web.Problems;

namespace ImageCaptioning.Web.Api;

/// <summary>One option of a caption request: its form field and query parameter name, and what it means (in the OpenAPI document).</summary>
public sealed record CaptionOption(string Name, string Description);

/// <summary>
/// The generation options of a caption request, read from form fields first and the query string
/// second: <c>beamWidth</c>, <c>maxLength</c>, <c>nBest</c> and <c>guidance</c> (<c>off</c> or <c>tags</c>). Out-of-range or malformed values are a
/// 400 naming the option, never silently clamped.
/// </summary>
public static class CaptionQuery
{
    public static CaptionOption BeamWidth { get; } =
        new("beamWidth", $"Hypotheses kept by beam search (1 = greedy). Default {DecodingOptions.Default.BeamWidth}.");
    public static CaptionOption MaxLength { get; } =
        new("maxLength", $"Most words in a caption, the end token included. Default {DecodingOptions.Default.MaxLength}.");
    public static CaptionOption NBest { get; } =
        new("nBest", "Alternatives returned (at most the beam width); with 2 or more the best is chosen by consensus among them. "
            + $"Default {DecodingOptions.Default.NBest}.");
    public static CaptionOption Guidance { get; } =
        new("guidance", "Guided decoding: 'tags' makes a confident encoder tag appear in the caption and forbids 'dog' when the dog "
            + "classes say no; 'off' (default) lets the decoder alone choose.");

    /// <summary>
    /// The request's options over <paramref name="modelDefaults"/> (the loaded model's own default decoding,
    /// <see cref="ModelFolder.DecoderModel.DecodingDefaults"/>; the library's defaults when null).
    /// </summary>
    public static DecodingOptions Parse(IQueryCollection query, IReadOnlyDictionary<string, string> fields, WebOptions limits,
        DecodingOptions? modelDefaults = null)
    {
        string? Value(CaptionOption option) =>
            fields.TryGetValue(option.Name, out var field) ? field : query.TryGetValue(option.Name, out var values) ? values.ToString() : null;
        var defaults = modelDefaults ?? DecodingOptions.Default;
        int beamWidth = ReadInt(BeamWidth, Value(BeamWidth), defaults.BeamWidth, 1, limits.MaxBeamWidth);
        int maxLength = ReadInt(MaxLength, Value(MaxLength), defaults.MaxLength, 1, limits.MaxCaptionLength);
        int nBest = ReadInt(NBest, Value(NBest), Math.Min(defaults.NBest, beamWidth), 1, limits.MaxBeamWidth);
        // The server's own limits are checked above; DecodingOptions checks the library's as it is made (a 400 as well).
        return defaults with
        {
            BeamWidth = beamWidth,
            MaxLength = maxLength,
            NBest = nBest,
            Method = beamWidth == 1 ? DecodingMethod.Greedy : DecodingMethod.Beam,   // the web API offers greedy and beam only
            Guidance = ReadGuidance(Value(Guidance), defaults.Guidance),
        };
    }

    private static int ReadInt(CaptionOption option, string? text, int fallback, int min, int max)
    {
        if (string.IsNullOrWhiteSpace(text))
            return fallback;
        if (!int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            throw new WebRequestException(StatusCodes.Status400BadRequest, ApiErrorCode.InvalidOption,
                $"'{option.Name}' must be a whole number from {min} to {max}; got '{Shorten(text)}'.");
        return value;
    }

    private static DecodingGuidance ReadGuidance(string? text, DecodingGuidance fallback) =>
        string.IsNullOrWhiteSpace(text) ? fallback : text.Trim().ToLowerInvariant() switch
        {
            "off" => DecodingGuidance.Off,
            "tags" => DecodingGuidance.Tags,
            _ => throw new WebRequestException(StatusCodes.Status400BadRequest, ApiErrorCode.InvalidOption,
                $"'{Guidance.Name}' must be 'off' or 'tags'; got '{Shorten(text)}'."),
        };

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..20] + "…";
}
