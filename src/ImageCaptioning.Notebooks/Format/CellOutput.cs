namespace ImageCaptioning.Notebooks.Format;

/// <summary>One entry of a code cell's <c>outputs</c> array (nbformat 4 output types).</summary>
public abstract record CellOutput;

/// <summary>Text a cell wrote to standard output or standard error (<c>"output_type": "stream"</c>).</summary>
/// <param name="Name"><c>stdout</c> or <c>stderr</c>.</param>
public sealed record StreamOutput(string Name, string Text) : CellOutput
{
    public const string StandardOutput = "stdout";
    public const string StandardError = "stderr";
}

/// <summary>A value shown with <c>display(...)</c> (<c>"output_type": "display_data"</c>).</summary>
public sealed record DisplayDataOutput(MimeBundle Data) : CellOutput;

/// <summary>The value of a cell's last expression (<c>"output_type": "execute_result"</c>).</summary>
public sealed record ExecuteResultOutput(int ExecutionCount, MimeBundle Data) : CellOutput;

/// <summary>The compile error or exception that stopped the notebook (<c>"output_type": "error"</c>).</summary>
/// <param name="Name">The exception type (or <c>CompilationError</c>).</param>
/// <param name="Value">Its message.</param>
/// <param name="Traceback">Lines of detail (diagnostics or the stack trace).</param>
public sealed record ErrorOutput(string Name, string Value, IReadOnlyList<string> Traceback) : CellOutput;
