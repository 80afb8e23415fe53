using System.CommandLine;
using System.Text.Json;
using ImageCaptioning.Cli.Commands;
using ImageCaptioning.Tests.Infrastructure;

namespace ImageCaptioning.Tests.Captioning;

/// <summary>`caption --guidance` with the shipped model and the real encoder: the JSON carries the tags and what guidance did.</summary>
public sealed class CaptionCommandGuidanceTests
{
    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand { CaptionCommand.Create() };
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = await root.Parse(["caption", .. args]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return (exitCode, output.ToString(), error.ToString());
    }

    // A cat photo outside Flickr8k (data/subjects/README.md: source and licence); unguided, the model calls it a dog.
    private static string Cat() => Path.Combine(TestData.RepositoryRoot(), "data", "subjects", "photos", "chelsea.jpg");

    [Fact]
    public async Task Guided_json_names_the_forced_tag_and_marks_the_word_that_came_from_it()
    {
        TestData.ModelsDirectory();
        var (exitCode, output, error) = await RunAsync(Cat(), "--jsonl", "--guidance", "tags");
        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("cat", root.GetProperty("tags")[0].GetProperty("word").GetString());
        var guidance = root.GetProperty("guidance");
        Assert.Equal("cat", guidance.GetProperty("forcedTag").GetString());
        Assert.True(guidance.GetProperty("constraintMet").GetBoolean());
        Assert.Equal(["cat"], guidance.GetProperty("wordsFromTags").EnumerateArray().Select(w => w.GetString()));
        Assert.Contains("cat", root.GetProperty("caption").GetString()!.Split(' '));
        Assert.Equal(["dog", "dogs", "puppy", "puppies"], guidance.GetProperty("forbidden").EnumerateArray().Select(w => w.GetString()));
    }

    [Fact]
    public async Task A_novel_word_is_shown_where_its_proxy_met_the_constraint_and_the_json_agrees_with_itself()
    {
        TestData.ModelsDirectory();
        string pig = Path.Combine(TestData.RepositoryRoot(), "data", "subjects", "photos", "pig.jpg"); // the encoder: wild boar, warthog, hog
        var (exitCode, output, error) = await RunAsync(pig, "--jsonl", "--guidance", "tags", "--attention");
        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        var guidance = root.GetProperty("guidance");
        Assert.Equal("pig", guidance.GetProperty("forcedTag").GetString());
        Assert.Equal(["animal", "animals"], guidance.GetProperty("requiredAnyOf").EnumerateArray().Select(w => w.GetString()));
        Assert.Equal("pig", guidance.GetProperty("shownAs").GetProperty("animal").GetString());
        Assert.True(guidance.GetProperty("constraintMet").GetBoolean());
        var best = root.GetProperty("alternatives")[0];
        string[] words = [.. best.GetProperty("words").EnumerateArray().Select(w => w.GetString()!)];
        Assert.Equal(root.GetProperty("caption").GetString(), best.GetProperty("text").GetString());
        Assert.Equal(best.GetProperty("text").GetString(), string.Join(' ', words));
        Assert.Equal(words.Length, best.GetProperty("attention").GetArrayLength()); // one map per word shown
        var fromTags = guidance.GetProperty("wordsFromTags").EnumerateArray().Select(w => w.GetString()).ToList();
        Assert.True(fromTags is ["pig"] or ["pigs"], string.Join(' ', fromTags));
        int at = Array.FindIndex(words, w => w is "pig" or "pigs");
        Assert.True(at >= 0, string.Join(' ', words));
        if (at > 0 && words[at - 1] is "a" or "an") Assert.Equal("a", words[at - 1]); // "a pig", never "an pig"
    }

    [Fact]
    public async Task Unguided_json_still_carries_the_tags_and_no_guidance()
    {
        TestData.ModelsDirectory();
        var (exitCode, output, error) = await RunAsync(Cat(), "--jsonl", "--guidance", "off");
        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("cat", json.RootElement.GetProperty("tags")[0].GetProperty("word").GetString());
        Assert.False(json.RootElement.TryGetProperty("guidance", out _)); // null fields are left out of the CLI's JSON
    }

    [Fact]
    public void An_unknown_guidance_is_a_usage_error()
    {
        // CliRunner turns the parser's errors into one line each and exit code 2.
        var parse = new RootCommand { CaptionCommand.Create() }.Parse(["caption", Cat(), "--guidance", "always"]);
        Assert.Contains(ImageCaptioning.Cli.CliRunner.UsageErrors(parse), message => message.Contains("always"));
    }
}
