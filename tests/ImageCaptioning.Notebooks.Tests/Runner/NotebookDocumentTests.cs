using System.Text.Json.Nodes;
using ImageCaptioning.Notebooks.Format;
using ImageCaptioning.Notebooks.Tests.Infrastructure;

namespace ImageCaptioning.Notebooks.Tests.Runner;

public sealed class NotebookDocumentTests
{
    [Fact]
    public void A_new_notebook_carries_the_polyglot_csharp_kernel_metadata()
    {
        var json = JsonNode.Parse(SyntheticNotebook.Create("# Title", "var x = 1;").ToJson())!;

        Assert.Equal(".net-csharp", json["metadata"]!["kernelspec"]!["name"]!.GetValue<string>());
        Assert.Equal("C#", json["metadata"]!["kernelspec"]!["language"]!.GetValue<string>());
        Assert.Equal("polyglot-notebook", json["metadata"]!["language_info"]!["name"]!.GetValue<string>());
        Assert.Equal("csharp", json["metadata"]!["polyglot_notebook"]!["kernelInfo"]!["defaultKernelName"]!.GetValue<string>());
        var code = json["cells"]![1]!;
        Assert.Equal("csharp", code["metadata"]!["polyglot_notebook"]!["kernelName"]!.GetValue<string>());
        Assert.Equal("csharp", code["metadata"]!["dotnet_interactive"]!["language"]!.GetValue<string>());
        Assert.Equal(4, json["nbformat"]!.GetValue<int>());
    }

    [Fact]
    public void Outputs_and_metadata_survive_a_round_trip()
    {
        var notebook = SyntheticNotebook.Create("# Heading\n\ntext", "Console.WriteLine(1);\n1 + 1");
        notebook.Metadata["custom"] = "kept";
        var code = notebook.Cells[1];
        code.ExecutionCount = 3;
        code.Outputs.Add(new StreamOutput("stdout", "1\n"));
        code.Outputs.Add(new ExecuteResultOutput(3, MimeBundle.FromText("2")));
        code.Outputs.Add(new DisplayDataOutput(new MimeBundle { { MimeBundle.Html, "<b>x</b>\n<i>y</i>" }, { MimeBundle.Png, "iVBORw0KGgo=" } }));
        code.Outputs.Add(new ErrorOutput("System.Exception", "boom", ["at a", "at b"]));

        var again = NotebookDocument.Parse(notebook.ToJson());

        Assert.Equal(notebook.ToJson(), again.ToJson());
        Assert.Equal("kept", again.Metadata["custom"]!.GetValue<string>());
        Assert.Equal("# Heading\n\ntext", again.Cells[0].Source);
        Assert.Equal(3, again.Cells[1].ExecutionCount);
        var display = Assert.IsType<DisplayDataOutput>(again.Cells[1].Outputs[2]);
        Assert.Equal("<b>x</b>\n<i>y</i>", display.Data[MimeBundle.Html]);
        Assert.Equal("iVBORw0KGgo=", display.Data[MimeBundle.Png]);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"nbformat": 3, "cells": []}""")]
    [InlineData("""{"nbformat": 4}""")]
    [InlineData("""{"nbformat": 4, "cells": [{"cell_type": "widget", "source": ""}]}""")]
    [InlineData("""{"nbformat": "four", "cells": []}""")]
    public void Files_that_are_not_nbformat_4_are_refused_with_a_readable_error(string json)
    {
        var error = Assert.Throws<NotebookFormatException>(() => NotebookDocument.Parse(json, "bad.ipynb"));
        Assert.Contains("bad.ipynb", error.Message);
    }
}
