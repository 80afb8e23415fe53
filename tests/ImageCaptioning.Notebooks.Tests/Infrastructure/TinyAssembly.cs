using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ImageCaptioning.Notebooks.Tests.Infrastructure;

/// <summary>Compiles a one-class library into a file, for #r tests that need an assembly the runner does not already have.</summary>
public static class TinyAssembly
{
    public static string Emit(string directory, string assemblyName, string source)
    {
        Directory.CreateDirectory(directory);
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var references = new[] { "System.Private.CoreLib.dll", "System.Runtime.dll" }
            .Select(file => MetadataReference.CreateFromFile(Path.Combine(frameworkDirectory, file)));
        var compilation = CSharpCompilation.Create(assemblyName, [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        string path = Path.Combine(directory, assemblyName + ".dll");
        var result = compilation.Emit(path);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return path;
    }
}
