using System.Reflection;
using System.Text;
using ImageCaptioning.Notebooks.References;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace ImageCaptioning.Notebooks.Execution;

/// <summary>
/// One notebook's C# kernel: a chain of Roslyn script submissions, one per cell, so variables, types and usings of
/// earlier cells are visible in later ones (as in Polyglot Notebooks). References added by <c>#r</c> accumulate.
/// </summary>
internal sealed class ScriptSession
{
    /// <summary>The usings every cell starts with, as in Polyglot's C# kernel.</summary>
    public static IReadOnlyList<string> DefaultImports { get; } =
        ["System", "System.Collections.Generic", "System.Linq", "System.Text", "System.Threading.Tasks"];

    private readonly NotebookGlobals _globals;
    private ScriptOptions _options;
    private ScriptState<object?>? _state;

    public ScriptSession(NotebookGlobals globals)
    {
        _globals = globals;
        _options = ScriptOptions.Default
            .WithReferences(HostAssemblies.FrameworkAssemblyFiles().Select(file => MetadataReference.CreateFromFile(file)))
            .AddReferences(typeof(NotebookGlobals).Assembly)
            .WithImports(DefaultImports)
            .WithAllowUnsafe(true)
            // Debug information puts "cell N:line L" into exception stack traces.
            .WithEmitDebugInformation(true)
            .WithOptimizationLevel(OptimizationLevel.Release);
    }

    public void AddReferences(IEnumerable<Assembly> assemblies) => _options = _options.AddReferences(assemblies);

    /// <summary>Compiles and runs one cell; returns the value of its final expression (null when it ends in a statement).</summary>
    /// <param name="cellName">Names the cell in stack traces, e.g. <c>cell 4</c>.</param>
    /// <exception cref="CompilationErrorException">The cell does not compile.</exception>
    public async Task<object?> RunAsync(string code, string cellName, CancellationToken ct)
    {
        var options = _options.WithFilePath(cellName);
        // From a stream, so the source text has an encoding: Roslyn emits debug information only for such text.
        using var source = new MemoryStream(Encoding.UTF8.GetBytes(code));
        _state = _state is null
            ? await CSharpScript.Create<object?>(source, options, typeof(NotebookGlobals)).RunAsync(_globals, ct).ConfigureAwait(false)
            : await _state.Script.ContinueWith<object?>(source, options).RunFromAsync(_state, ct).ConfigureAwait(false);
        return _state.ReturnValue;
    }
}
