using System.Net;
using System.Text.Json;
using ImageCaptioning.Tests.Infrastructure;
using ImageCaptioning.Web.Api;
using ImageCaptioning.Web.Problems;
using ImageCaptioning.Web.Tests.Infrastructure;

namespace ImageCaptioning.Web.Tests.Api;

/// <summary>
/// POST /api/caption carries the encoder's tags (<c>tags: [{ word, probability, classes }]</c>) and, with
/// <c>guidance=tags</c>, what guided decoding did (<c>guidance: { forcedTag, …, wordsFromTags }</c>); a bad value is a 400.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class GuidanceFieldTests(SharedApiFixture fixture)
{
    // A cat the encoder is sure of (Egyptian cat/tabby, data/subjects/README.md has its source and licence).
    private static byte[] Cat() => File.ReadAllBytes(Path.Combine(TestData.RepositoryRoot(), "data", "subjects", "photos", "chelsea.jpg"));

    private async Task<JsonDocument> CaptionAsync(string query)
    {
        var client = await fixture.ClientAsync();
        using var response = await client.PostAsync("/api/caption?" + query, Requests.Raw(Cat(), "image/jpeg"), TestContext.Current.CancellationToken);
        string body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body);
    }

    [Fact]
    public async Task The_answer_carries_the_encoders_tags_and_no_guidance_by_default()
    {
        using var json = await CaptionAsync("beamWidth=2&maxLength=5");
        var tags = json.RootElement.GetProperty("tags");
        var cat = tags.EnumerateArray().First();
        Assert.Equal(["word", "probability", "classes"], cat.EnumerateObject().Select(p => p.Name));
        Assert.Equal("cat", cat.GetProperty("word").GetString());
        Assert.InRange(cat.GetProperty("probability").GetDouble(), 0.9, 1.0);
        Assert.NotEmpty(cat.GetProperty("classes").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("guidance").ValueKind);
    }

    [Fact]
    public async Task With_guidance_the_answer_says_what_was_forced_and_which_words_came_from_tags()
    {
        using var json = await CaptionAsync("beamWidth=2&maxLength=8&guidance=tags");
        var guidance = json.RootElement.GetProperty("guidance");
        Assert.Equal(["forcedTag", "forcedTagProbability", "requiredAnyOf", "shownAs", "forbidden", "constraintMet", "wordsFromTags"],
            guidance.EnumerateObject().Select(p => p.Name));
        Assert.Equal("cat", guidance.GetProperty("forcedTag").GetString());
        var words = json.RootElement.GetProperty("words").EnumerateArray().Select(w => w.GetProperty("text").GetString()).ToList();
        var required = guidance.GetProperty("requiredAnyOf").EnumerateArray().Select(w => w.GetString()).ToList();
        Assert.Empty(guidance.GetProperty("shownAs").EnumerateObject()); // "cat" is a vocabulary word
        if (guidance.GetProperty("constraintMet").ValueKind == JsonValueKind.True)
            foreach (var index in guidance.GetProperty("wordsFromTags").EnumerateArray())
                Assert.Contains(words[index.GetInt32()], required);
        else if (!required.Any(words.Contains)) // the test decoder may lack the word: then nothing is marked
            Assert.Empty(guidance.GetProperty("wordsFromTags").EnumerateArray());
    }

    [Theory]
    [InlineData("on")]
    [InlineData("TAGS!")]
    public async Task An_unknown_guidance_is_a_400_naming_the_option(string value)
    {
        var client = await fixture.ClientAsync();
        using var response = await client.PostAsync("/api/caption?guidance=" + Uri.EscapeDataString(value),
            Requests.Raw(Cat(), "image/jpeg"), TestContext.Current.CancellationToken);
        var error = await Requests.ErrorAsync(response, HttpStatusCode.BadRequest, ApiErrorCode.InvalidOption);
        Assert.Contains("'guidance' must be 'off' or 'tags'", error.Detail);
    }
}
