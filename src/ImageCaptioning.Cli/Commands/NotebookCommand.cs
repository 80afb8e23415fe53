using System.CommandLine;
using System.Globalization;
using ImageCaptioning.Notebooks.Execution;

namespace ImageCaptioning.Cli.Commands;

/// <summary>
/// `notebook run &lt;file&gt;...`: executes Polyglot C# notebooks headlessly with the project's notebook runner, writes
/// each executed notebook and its HTML rendering to an output folder, and with --in-place also stores the outputs in
/// the notebook itself (how the committed notebooks get their outputs).
/// </summary>
internal static class NotebookCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("notebook") { Description = "The .ipynb files to run, in order.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out")
        {
            Description = "Folder for the executed notebooks, their HTML and plotly.js.",
            DefaultValueFactory = _ => Path.Combine("artifacts", "notebooks"),
        };
        var inPlace = new Option<bool>("--in-place") { Description = "After a successful run, write the outputs into the notebook file itself." };
        var run = new Command("run", "Run notebooks cell by cell (C# cells, #r, display) and save them with their outputs.")
        {
            files, output, inPlace,
        };
        run.SetAction(async (parse, ct) =>
        {
            try
            {
                return await RunAsync(parse.GetValue(files)!, parse.GetValue(output)!, parse.GetValue(inPlace), ct);
            }
            catch (Exception ex)
            {
                // One line naming the notebook and cell, not System.CommandLine's stack trace.
                return CliRunner.Report(ex);
            }
        });
        return new Command("notebook", "Run the teaching notebooks without Jupyter.") { run };
    }

    private static async Task<int> RunAsync(string[] files, string output, bool inPlace, CancellationToken ct)
    {
        var runner = new NotebookRunner(new NotebookRunOptions
        {
            OutputDirectory = output,
            UpdateSourceNotebook = inPlace,
            Log = line => Console.Error.WriteLine(line),
        });
        foreach (string file in files)
        {
            var result = (await runner.RunAsync(file, ct)).EnsureSuccess();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Path.GetFileName(file)}: {result.Cells.Count} cells in {result.Elapsed.TotalSeconds:F1} s → {result.HtmlPath}"));
        }
        return 0;
    }
}
