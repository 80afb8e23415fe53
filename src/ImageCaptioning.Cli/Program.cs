using System.CommandLine;
using ImageCaptioning.Cli;
using ImageCaptioning.Cli.Commands;

// The CLI for the long jobs; CommandCatalog lists its commands, CliRunner turns failures into one line and an exit code.
var root = new RootCommand("Image captioning (Show, Attend and Tell) for .NET: extract features, train, evaluate, caption.");
foreach (Command command in CommandCatalog.All())
    root.Subcommands.Add(command);
return await CliRunner.RunAsync(root, args);
