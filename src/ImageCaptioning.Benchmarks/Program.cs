using System.CommandLine;
using ImageCaptioning.Benchmarks;
using ImageCaptioning.Cli;

// `dotnet run --project src/ImageCaptioning.Benchmarks -c Release -- <benchmark>`: one subcommand per benchmark (BenchmarkCatalog).
var root = new RootCommand("ImageCaptioning benchmarks: each figure is the median of repeated runs (min–max) and a ratio to a baseline measured in the same run.");
foreach (Command command in BenchmarkCatalog.All())
    root.Subcommands.Add(command);
return await CliRunner.RunAsync(root, args);
