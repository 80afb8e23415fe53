using ImageCaptioning.Notebooks.References;

namespace ImageCaptioning.Notebooks.Tests.Runner;

public sealed class CellDirectiveParserTests
{
    [Fact]
    public void Path_and_nuget_forms_are_taken_out_and_their_lines_left_blank()
    {
        var code = CellDirectiveParser.Parse("""
            #r "../src/Lib/bin/Release/net10.0/Lib.dll"
            #r "nuget: Plotly.NET.CSharp, 0.14.0"
            #r "nuget:Some.Package"
            var x = 1;
            """);

        Assert.Equal("\n\n\nvar x = 1;", code.Code);
        Assert.Collection(code.References,
            r => Assert.Equal(new AssemblyFileReference(1, """#r "../src/Lib/bin/Release/net10.0/Lib.dll" """.Trim(), "../src/Lib/bin/Release/net10.0/Lib.dll"), r),
            r => Assert.Equal(("Plotly.NET.CSharp", "0.14.0", 2), (((NuGetPackageReference)r).PackageId, ((NuGetPackageReference)r).Version, r.Line)),
            r => Assert.Equal(("Some.Package", (string?)null), (((NuGetPackageReference)r).PackageId, ((NuGetPackageReference)r).Version)));
    }

    [Fact]
    public void A_csharp_kernel_selector_is_dropped_and_other_magics_are_refused()
    {
        Assert.Equal("\nint y = 2;", CellDirectiveParser.Parse("#!csharp\nint y = 2;").Code);

        var error = Assert.Throws<NotebookReferenceException>(() => CellDirectiveParser.Parse("int a = 1;\n#!time\n"));
        Assert.Contains("line 2", error.Message);
        Assert.Contains("#!time", error.Message);
    }

    [Theory]
    [InlineData("#r Lib.dll")]
    [InlineData("#r \"nuget: \"")]
    [InlineData("#r \"nuget: A, 1.0, extra\"")]
    [InlineData("#r \"nuget: A, \"")]
    public void Malformed_references_are_reported_with_their_line(string line)
    {
        var error = Assert.Throws<NotebookReferenceException>(() => CellDirectiveParser.Parse("// setup\n" + line));
        Assert.Contains("line 2", error.Message);
    }

    [Fact]
    public void Text_that_merely_contains_hash_r_is_code()
    {
        var code = CellDirectiveParser.Parse("var s = \"#r not a directive\";");
        Assert.Empty(code.References);
    }
}
