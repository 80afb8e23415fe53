using System.CommandLine;
using ImageCaptioning.Cli;
using ImageCaptioning.Cli.Commands;

namespace ImageCaptioning.Tests.Cli;

/// <summary>Expected failures reach the user as one readable line and a non-zero exit code, never a stack trace.</summary>
[Collection(ConsoleCollection.Name)]
public class CliRunnerTests
{
    private static async Task<(int Exit, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand();
        foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try { return (await CliRunner.RunAsync(root, args), error.ToString()); }
        finally { Console.SetError(original); }
    }

    [Theory]
    [InlineData("extract", "--images", "/definitely/not/a/folder")]
    [InlineData("caption", "/definitely/not/an/image.jpg", "--model", "/definitely/not/a/model")]
    [InlineData("evaluate", "--captions", "/definitely/not/captions.jsonl", "--flickr8k", "/definitely/not/flickr8k")]
    public async Task ABadPathGivesOneLineAndExitCodeOne(params string[] args)
    {
        var (exit, error) = await RunAsync(args);
        Assert.Equal(CliRunner.ExitBadInput, exit);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.DoesNotContain("   at ", error);
    }

    [Theory]
    [InlineData("train", "--epochs", "0")]
    [InlineData("train", "--batch", "0")]
    [InlineData("train-scst", "--samples", "1")]
    [InlineData("train-scst", "--eval-every", "-1")]
    [InlineData("train", "--average-decay", "1")]
    [InlineData("train-scst", "--average-decay", "-0.1")]
    [InlineData("train-scst", "--average-decay", "1.5")]
    public async Task ATrainingSettingTheRunCannotUseGivesOneLineBeforeAnythingIsLoaded(params string[] args)
    {
        var (exit, error) = await RunAsync([.. args, "--flickr8k", "/definitely/not/flickr8k"]);   // the setting is refused before the data is read
        Assert.Equal(CliRunner.ExitBadInput, exit);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.DoesNotContain("flickr8k", lines[0]);
    }

    [Theory]
    [InlineData("caption", "--bogus", "photo.jpg")]
    [InlineData("caption", "photo.jpg", "-x")]
    [InlineData("caption", "photo.jpg", "--shard", "4/4")]
    [InlineData("caption", "photo.jpg", "--beam", "0")]
    [InlineData("caption", "photo.jpg", "--beam", "many")]
    [InlineData("caption", "photo.jpg", "--batch", "many")]
    [InlineData("evaluate-subjects", "--beam", "65")]
    [InlineData("caption")]
    [InlineData("models", "--bogus")]
    public async Task UsageErrorsExitWithTwoAndSayWhatIsWrong(params string[] args)
    {
        var (exit, error) = await RunAsync(args);
        Assert.Equal(CliRunner.ExitUsage, exit);
        Assert.StartsWith("error: ", error);
        Assert.Contains("--help' for usage.", error);
        Assert.DoesNotContain("   at ", error);
        if (args[0] == "caption" && args.FirstOrDefault(a => a.StartsWith('-') && a is not ("--shard" or "--beam" or "--batch")) is { } unknown)
            Assert.Contains($"unknown option '{unknown}'", error);
    }

    [Fact]
    public void NegativeNumbersAndWordsAfterDoubleDashAreNotOptions()
    {
        var root = new RootCommand();
        foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
        Assert.Empty(CliRunner.UsageErrors(root.Parse(["caption", "a.jpg", "--seed", "-5"])));
        Assert.Empty(CliRunner.UsageErrors(root.Parse(["caption", "a.jpg", "--", "-odd-name.jpg"])));
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console redirection";
}
