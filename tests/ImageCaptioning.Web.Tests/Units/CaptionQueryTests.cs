using ImageCaptioning.Decoding;
using ImageCaptioning.Web.Api;
using ImageCaptioning.Web.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace ImageCaptioning.Web.Tests.Units;

/// <summary>A caption request's options start from the loaded model's own default decoding; what the request sets wins.</summary>
public class CaptionQueryTests
{
    private static readonly DecodingOptions ModelDefaults = DecodingOptions.Default with
    {
        BeamWidth = 4, NBest = 4, ConsensusLogProbabilityWeight = 5f, ConsensusLengthExponent = 0.25f,
    };

    private static DecodingOptions Parse(Dictionary<string, StringValues> query, DecodingOptions? defaults) =>
        CaptionQuery.Parse(new QueryCollection(query), new Dictionary<string, string>(), new WebOptions(), defaults);

    [Fact]
    public void A_request_without_options_decodes_with_the_models_defaults()
    {
        Assert.Equal(ModelDefaults, Parse([], ModelDefaults));
        Assert.Equal(DecodingOptions.Default, Parse([], null));
    }

    [Fact]
    public void The_requests_own_values_override_the_models_and_the_rest_stay_the_models()
    {
        var options = Parse(new() { ["beamWidth"] = "6", ["nBest"] = "2" }, ModelDefaults);
        Assert.Equal((6, 2, 5f, 0.25f), (options.BeamWidth, options.NBest, options.ConsensusLogProbabilityWeight, options.ConsensusLengthExponent));
        Assert.Equal(DecodingMethod.Greedy, Parse(new() { ["beamWidth"] = "1" }, ModelDefaults).Method);
    }
}
