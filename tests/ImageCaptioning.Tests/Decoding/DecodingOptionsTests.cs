using ImageCaptioning.Decoding;

namespace ImageCaptioning.Tests.Decoding;

/// <summary>DecodingOptions checks each value where it is made (initializer or <c>with</c>), so no holder of one is ever invalid.</summary>
public class DecodingOptionsTests
{
    public static TheoryData<string, Func<DecodingOptions>, string> OutOfRange => new()
    {
        { "beam 0", () => new DecodingOptions { BeamWidth = 0 }, "The beam width must be between 1 and 64, got 0." },
        { "beam 65", () => DecodingOptions.Default with { BeamWidth = 65 }, "The beam width must be between 1 and 64, got 65." },
        { "max length 0", () => new DecodingOptions { MaxLength = 0 }, "The maximum length must be between 1 and 200, got 0." },
        { "max length 201", () => DecodingOptions.Default with { MaxLength = 201 }, "The maximum length must be between 1 and 200, got 201." },
        { "n-best 0", () => new DecodingOptions { NBest = 0 }, "The n-best size must be between 1 and 64, got 0." },
        { "length penalty -1", () => new DecodingOptions { LengthPenalty = -1f }, "The length penalty must be between 0 and 10, got -1." },
        { "length penalty NaN", () => new DecodingOptions { LengthPenalty = float.NaN }, "The length penalty must be between 0 and 10, got NaN." },
        { "temperature 0", () => new DecodingOptions { Temperature = 0f }, "The temperature must be above 0 and at most 100, got 0." },
        { "weight infinite", () => new DecodingOptions { ConsensusLogProbabilityWeight = float.PositiveInfinity }, "The consensus log-probability weight must be between 0 and 1000, got Infinity." },
        { "top-k -1", () => new DecodingOptions { TopK = -1 }, "Top-k must be 0 (off) or positive, got -1." },
        { "no-repeat 1", () => new DecodingOptions { NoRepeatNGramSize = 1 }, "NoRepeatNGramSize must be 0 (off) or at least 2, got 1." },
        { "method 7", () => new DecodingOptions { Method = (DecodingMethod)7 }, "Unknown decoding method 7." },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void AnOutOfRangeValueIsRefusedWhereItIsSet(string what, Func<DecodingOptions> make, string message)
    {
        var ex = Assert.Throws<InvalidDecodingOptionsException>(make);
        Assert.True(message == ex.Message, $"{what}: {ex.Message}");
    }

    [Fact]
    public void TheBoundsThemselvesAndTheDefaultsAreAccepted()
    {
        var low = new DecodingOptions
        {
            BeamWidth = 1, MaxLength = 1, NBest = 1, LengthPenalty = 0f, Temperature = 0.01f,
            ConsensusLogProbabilityWeight = 0f, TopK = 0, NoRepeatNGramSize = 0, Method = DecodingMethod.Sample,
        };
        var high = DecodingOptions.Default with
        {
            BeamWidth = DecodingOptions.MaxBeamWidth, MaxLength = DecodingOptions.MaxMaxLength, NBest = DecodingOptions.MaxNBest,
            LengthPenalty = 10f, Temperature = 100f, ConsensusLogProbabilityWeight = 1000f, NoRepeatNGramSize = 2,
        };
        Assert.Equal((1, 1, DecodingMethod.Sample), (low.BeamWidth, low.MaxLength, low.Method));
        Assert.Equal((64, 200, 64), (high.BeamWidth, high.MaxLength, high.NBest));
        Assert.Equal((5, 20, 5, 3, true, 10f), (DecodingOptions.Default.BeamWidth, DecodingOptions.Default.MaxLength,
            DecodingOptions.Default.NBest, DecodingOptions.Default.NoRepeatNGramSize, DecodingOptions.Default.ConsensusRerank,
            DecodingOptions.Default.ConsensusLogProbabilityWeight));
    }
}
