using System.Text.Json.Nodes;
using ImageCaptioning.Notebooks.Display;
using ImageCaptioning.Notebooks.Execution;
using ImageCaptioning.Notebooks.Format;
using ImageCaptioning.Notebooks.Tests.Infrastructure;

namespace ImageCaptioning.Notebooks.Tests.Runner;

/// <summary>The runner on tiny notebooks written by the tests: order, state, #r, display, errors, files written.</summary>
public sealed class NotebookRunnerTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static IReadOnlyList<string> PlainTexts(NotebookRunResult result) =>
        [.. result.Outputs.SelectMany(o => o switch
        {
            DisplayDataOutput d when d.Data.ContainsKey(MimeBundle.PlainText) => [d.Data[MimeBundle.PlainText]],
            ExecuteResultOutput r when r.Data.ContainsKey(MimeBundle.PlainText) => [r.Data[MimeBundle.PlainText]],
            StreamOutput s => [s.Text],
            _ => Array.Empty<string>(),
        })];

    [Fact]
    public async Task Cells_run_in_order_and_share_variables_usings_and_types()
    {
        string path = SyntheticNotebook.Write(_folder.Path, "state.ipynb",
            "using System.Globalization;\nvar order = new List<int> { 1 };",
            "# A markdown cell between code cells",
            "order.Add(2);\nrecord Point(int X, int Y);\nint total = 40;",
            "order.Add(3);\ndisplay(string.Join(\",\", order.Select(i => i.ToString(CultureInfo.InvariantCulture))));\nnew Point(total, 2).X + 2");

        var result = (await new NotebookRunner().RunAsync(path, TestContext.Current.CancellationToken)).EnsureSuccess();

        Assert.Equal([1, 3, 4], result.Cells.Select(c => c.CellNumber));
        Assert.Equal([1, 2, 3], result.Cells.Select(c => c.ExecutionCount));
        Assert.Equal(["1,2,3", "42"], PlainTexts(result));
        var last = result.Executed.Cells[3];
        Assert.Equal(3, last.ExecutionCount);
        Assert.IsType<ExecuteResultOutput>(last.Outputs[1]);
        Assert.Null(result.Executed.Cells[1].ExecutionCount);
    }

    [Fact]
    public async Task Display_formats_strings_numbers_collections_and_objects()
    {
        string path = SyntheticNotebook.Write(_folder.Path, "display.ipynb", """
            display("hello");
            display(3.5);
            display(new[] { 1, 2, 3 });
            display(new[] { new { Word = "dog", Count = 7 }, new { Word = "cat", Count = 5 } });
            display(HTML("<b>bold</b>"));
            display(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10 });
            """);

        var result = (await new NotebookRunner().RunAsync(path, TestContext.Current.CancellationToken)).EnsureSuccess();

        var bundles = result.Outputs.Cast<DisplayDataOutput>().Select(d => d.Data).ToArray();
        Assert.Equal(6, bundles.Length);
        Assert.Equal("hello", bundles[0][MimeBundle.PlainText]);
        Assert.Equal("3.5", bundles[1][MimeBundle.PlainText]);
        Assert.Equal("[1, 2, 3]", bundles[2][MimeBundle.PlainText]);
        Assert.Contains("<td>2</td>", bundles[2][MimeBundle.Html]);
        Assert.Contains("<th>Word</th><th>Count</th>", bundles[3][MimeBundle.Html]);
        Assert.Contains("<td>dog</td><td>7</td>", bundles[3][MimeBundle.Html]);
        Assert.Equal("<b>bold</b>", bundles[4][MimeBundle.Html]);
        Assert.Equal("iVBORw0KGgo=", bundles[5][MimeBundle.Png]);
    }

    [Fact]
    public async Task A_plotly_chart_from_a_nuget_reference_is_displayed_as_html()
    {
        string path = SyntheticNotebook.Write(_folder.Path, "chart.ipynb", """
            #r "nuget: Plotly.NET.Interactive, 6.0.0"
            #r "nuget: Plotly.NET.CSharp, 0.14.0"
            using Plotly.NET.CSharp;
            """, """
            var chart = Chart.Column<int, string, string>(values: new[] { 3, 1, 2 }, Keys: new[] { "a", "b", "c" });
            display(chart);
            """);

        var result = (await new NotebookRunner().RunAsync(path, TestContext.Current.CancellationToken)).EnsureSuccess();

        var bundle = Assert.IsType<DisplayDataOutput>(Assert.Single(result.Outputs)).Data;
        Assert.StartsWith(PlotlyScript.CdnScriptTag, bundle[MimeBundle.Html]);
        Assert.Contains("Plotly.newPlot", bundle[MimeBundle.Html]);
        Assert.Contains("\"type\":\"bar\"", bundle[MimeBundle.Html]);
        Assert.Equal("Plotly chart (1 trace)", bundle[MimeBundle.PlainText]);
        Assert.Contains(result.References, r => r.Origin.StartsWith("runner (Plotly.NET.CSharp 0.14.0", StringComparison.Ordinal));
        Assert.Contains(result.References, r => r.Origin.StartsWith("kernel extension", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_path_reference_to_an_assembly_the_runner_has_binds_to_the_runners_copy()
    {
        // The notebook names the file by a path relative to itself, as the project's notebooks name bin/Release/….
        string assembly = typeof(ImageCaptioning.Data.CaptionTokenizer).Assembly.Location;
        string relative = Path.GetRelativePath(_folder.Path, assembly).Replace('\\', '/');
        string path = SyntheticNotebook.Write(_folder.Path, "path.ipynb",
            $"#r \"{relative}\"\nstring.Join(\"|\", ImageCaptioning.Data.CaptionTokenizer.Tokenize(\"A dog's T-shirt!\"))");

        var result = (await new NotebookRunner().RunAsync(path, TestContext.Current.CancellationToken)).EnsureSuccess();

        Assert.Equal(["a|dogs|tshirt"], PlainTexts(result));
        Assert.Same(typeof(ImageCaptioning.Data.CaptionTokenizer).Assembly, Assert.Single(Assert.Single(result.References).Assemblies));
    }

    [Fact]
    public async Task A_path_reference_to_a_new_assembly_loads_it()
    {
        TinyAssembly.Emit(Path.Combine(_folder.Path, "lib"), "Greeter" + Guid.NewGuid().ToString("N")[..6], """
            namespace Tiny;
            public static class Greeter { public static string Greet(string name) => "hello " + name; }
            """);
        string file = Directory.GetFiles(Path.Combine(_folder.Path, "lib"), "*.dll").Single();
        string path = SyntheticNotebook.Write(_folder.Path, "tiny.ipynb",
            $"#r \"lib/{Path.GetFileName(file)}\"\nTiny.Greeter.Greet(\"notebook\")");

        var result = (await new NotebookRunner().RunAsync(path, TestContext.Current.CancellationToken)).EnsureSuccess();

        Assert.Equal(["hello notebook"], PlainTexts(result));
    }

    [Fact]
    public async Task A_nuget_reference_the_runner_lacks_is_read_from_the_nuget_cache()
    {
        string id = "Tiny.Package" + Guid.NewGuid().ToString("N")[..6];
        string cache = Path.Combine(_folder.Path, "nuget");
        TinyAssembly.Emit(Path.Combine(cache, id.ToLowerInvariant(), "1.2.0", "lib", "netstandard2.0"), id, $$"""
            namespace Tiny;
            public static class Answer { public static int Value => 42; }
            """);
        string path = SyntheticNotebook.Write(_folder.Path, "cache.ipynb", $"#r \"nuget: {id}, 1.2.0\"\nTiny.Answer.Value");

        var result = (await new NotebookRunner(new NotebookRunOptions { NuGetCacheDirectory = cache })
            .RunAsync(path, TestContext.Current.CancellationToken)).EnsureSuccess();

        Assert.Equal(["42"], PlainTexts(result));
        Assert.StartsWith("NuGet cache", Assert.Single(result.References).Origin);
    }

    [Theory]
    [InlineData("#r \"nuget: No.Such.Package.Anywhere, 1.0.0\"", "cannot be resolved offline")]
    [InlineData("#r \"nuget: Plotly.NET.CSharp, 99.0.0\"", "was built with 0.14.0")]
    [InlineData("#r \"missing/Nothing.dll\"", "does not exist")]
    public async Task References_that_cannot_be_served_fail_their_cell(string directive, string expected)
    {
        string path = SyntheticNotebook.Write(_folder.Path, "refs.ipynb", "int a = 1;", directive);

        var result = await new NotebookRunner(new NotebookRunOptions { NuGetCacheDirectory = _folder.Path })
            .RunAsync(path, TestContext.Current.CancellationToken);

        var failure = Assert.IsType<NotebookExecutionException>(result.Failure);
        Assert.Equal(2, failure.CellNumber);
        Assert.Contains(expected, failure.Message);
    }

    [Fact]
    public async Task An_exception_stops_the_notebook_and_names_the_cell_and_line()
    {
        string path = SyntheticNotebook.Write(_folder.Path, "throws.ipynb",
            "Console.WriteLine(\"first\");",
            "# prose",
            "int x = 1;\nthrow new InvalidOperationException(\"broken on purpose\");",
            "Console.WriteLine(\"never\");");

        var result = await new NotebookRunner().RunAsync(path, TestContext.Current.CancellationToken);

        var failure = Assert.IsType<NotebookExecutionException>(result.Failure);
        Assert.Equal(3, failure.CellNumber);
        Assert.Contains("cell 3", failure.Message);
        Assert.Contains("line 2", failure.Message);
        Assert.Contains("broken on purpose", failure.Message);
        Assert.IsType<InvalidOperationException>(failure.InnerException);
        var error = Assert.IsType<ErrorOutput>(Assert.Single(result.Executed.Cells[2].Outputs));
        Assert.Equal("System.InvalidOperationException", error.Name);
        Assert.Null(result.Executed.Cells[3].ExecutionCount);
        Assert.Equal(2, result.Cells.Count);
        var thrown = Assert.Throws<NotebookExecutionException>(() => result.EnsureSuccess());
        Assert.Same(failure, thrown);
    }

    [Fact]
    public async Task A_compile_error_names_the_cell_line_and_diagnostic()
    {
        string path = SyntheticNotebook.Write(_folder.Path, "compile.ipynb", "int ok = 1;", "int a = 1;\nint b = undefinedName;");

        var result = await new NotebookRunner().RunAsync(path, TestContext.Current.CancellationToken);

        var failure = Assert.IsType<NotebookExecutionException>(result.Failure);
        Assert.Equal(2, failure.CellNumber);
        Assert.Contains("line 2: CS0103", failure.Message);
        Assert.Equal("CompilationError", Assert.IsType<ErrorOutput>(Assert.Single(result.Executed.Cells[1].Outputs)).Name);
    }

    [Fact]
    public async Task Console_output_becomes_stream_outputs_in_order_with_displays()
    {
        string path = SyntheticNotebook.Write(_folder.Path, "console.ipynb", """
            Console.WriteLine("one");
            Console.Write("two\n");
            display(2);
            Console.Error.WriteLine("warning");
            await Task.Run(() => Console.WriteLine("from a task"));
            """);

        var result = (await new NotebookRunner().RunAsync(path, TestContext.Current.CancellationToken)).EnsureSuccess();

        Assert.Collection(result.Outputs,
            o => Assert.Equal(new StreamOutput("stdout", "one\ntwo\n"), o),
            o => Assert.Equal("2", Assert.IsType<DisplayDataOutput>(o).Data[MimeBundle.PlainText]),
            o => Assert.Equal(new StreamOutput("stderr", "warning\n"), o),
            o => Assert.Equal(new StreamOutput("stdout", "from a task\n"), o));
    }

    [Fact]
    public async Task The_executed_notebook_is_written_in_nbformat_4_with_mime_bundles()
    {
        string path = SyntheticNotebook.Write(_folder.Path, "written.ipynb",
            "# Title\n\nSome *prose*.",
            "#r \"nuget: Plotly.NET.CSharp, 0.14.0\"\nConsole.WriteLine(\"printed\");\ndisplay(Plotly.NET.CSharp.Chart.Point<int, int, string>(new[] { 1, 2 }, new[] { 3, 4 }));\n6 * 7");
        string output = Path.Combine(_folder.Path, "out");

        var result = (await new NotebookRunner(new NotebookRunOptions { OutputDirectory = output })
            .RunAsync(path, TestContext.Current.CancellationToken)).EnsureSuccess();

        Assert.Equal(Path.Combine(output, "written.ipynb"), result.ExecutedNotebookPath);
        var json = JsonNode.Parse(File.ReadAllText(result.ExecutedNotebookPath!))!;
        Assert.Equal(4, json["nbformat"]!.GetValue<int>());
        var code = json["cells"]![1]!;
        Assert.Equal(1, code["execution_count"]!.GetValue<int>());
        var outputs = code["outputs"]!.AsArray();
        Assert.Equal(["stream", "display_data", "execute_result"], outputs.Select(o => o!["output_type"]!.GetValue<string>()));
        Assert.Equal("stdout", outputs[0]!["name"]!.GetValue<string>());
        Assert.NotNull(outputs[1]!["data"]!["text/html"]);
        Assert.NotNull(outputs[1]!["data"]!["text/plain"]);
        Assert.Equal("42", string.Concat(outputs[2]!["data"]!["text/plain"]!.AsArray().Select(l => l!.GetValue<string>())));
        Assert.Equal(1, outputs[2]!["execution_count"]!.GetValue<int>());
        // The source notebook itself is untouched unless asked for.
        Assert.All(NotebookDocument.Load(path).Cells, c => Assert.Empty(c.Outputs));
    }

    [Fact]
    public async Task The_html_rendering_shows_prose_code_and_outputs_with_a_local_plotly()
    {
        string path = SyntheticNotebook.Write(_folder.Path, "rendered.ipynb",
            "# The Title\n\n| a | b |\n|---|---|\n| 1 | 2 |",
            "#r \"nuget: Plotly.NET.CSharp, 0.14.0\"\nvar words = new[] { \"<tag>\" };\ndisplay(Plotly.NET.CSharp.Chart.Point<int, int, string>(new[] { 1, 2 }, new[] { 3, 4 }));\nwords[0]");
        string output = Path.Combine(_folder.Path, "out");

        var result = (await new NotebookRunner(new NotebookRunOptions { OutputDirectory = output })
            .RunAsync(path, TestContext.Current.CancellationToken)).EnsureSuccess();

        string html = File.ReadAllText(result.HtmlPath!);
        Assert.Contains("<h1", html);
        Assert.Contains("The Title", html);
        Assert.Contains("<table>", html);
        Assert.Contains("var words = new[] { &quot;&lt;tag&gt;&quot; };", html);
        Assert.Contains("&lt;tag&gt;</pre>", html);
        Assert.Contains("Plotly.newPlot", html);
        Assert.Contains($"<script src=\"{PlotlyScript.FileName}\"", html);
        Assert.DoesNotContain("cdn.plot.ly", html);
        Assert.True(new FileInfo(Path.Combine(output, PlotlyScript.FileName)).Length > 1_000_000);
    }

    [Fact]
    public async Task The_source_notebook_is_updated_only_after_a_successful_run()
    {
        string good = SyntheticNotebook.Write(_folder.Path, "good.ipynb", "1 + 2");
        string bad = SyntheticNotebook.Write(_folder.Path, "bad.ipynb", "1 + 2", "throw new Exception(\"no\");");
        var runner = new NotebookRunner(new NotebookRunOptions { UpdateSourceNotebook = true });

        (await runner.RunAsync(good, TestContext.Current.CancellationToken)).EnsureSuccess();
        var failed = await runner.RunAsync(bad, TestContext.Current.CancellationToken);

        Assert.False(failed.Succeeded);
        var updated = NotebookDocument.Load(good).Cells[0];
        Assert.Equal(1, updated.ExecutionCount);
        Assert.Equal("3", Assert.IsType<ExecuteResultOutput>(Assert.Single(updated.Outputs)).Data[MimeBundle.PlainText]);
        Assert.All(NotebookDocument.Load(bad).Cells, c => Assert.Empty(c.Outputs));
    }

    [Fact]
    public async Task A_cell_for_another_kernel_is_refused()
    {
        var notebook = SyntheticNotebook.Create("1");
        notebook.Cells[0].Metadata["polyglot_notebook"] = new JsonObject { ["kernelName"] = "fsharp" };
        string path = _folder.File("fsharp.ipynb");
        File.WriteAllText(path, notebook.ToJson());

        var result = await new NotebookRunner().RunAsync(path, TestContext.Current.CancellationToken);

        Assert.Contains("'fsharp' kernel", Assert.IsType<NotebookExecutionException>(result.Failure).Message);
    }
}
