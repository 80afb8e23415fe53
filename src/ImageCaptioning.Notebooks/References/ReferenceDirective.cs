using System.Text.RegularExpressions;

namespace ImageCaptioning.Notebooks.References;

/// <summary>One <c>#r</c> line of a cell: an assembly file or a NuGet package.</summary>
/// <param name="Line">1-based line within the cell.</param>
/// <param name="Text">The directive as written (for messages).</param>
public abstract record ReferenceDirective(int Line, string Text);

/// <summary><c>#r "path/to/Assembly.dll"</c>: a path relative to the notebook's folder, or absolute.</summary>
public sealed record AssemblyFileReference(int Line, string Text, string Path) : ReferenceDirective(Line, Text);

/// <summary><c>#r "nuget: Package.Id, 1.2.3"</c>; the version is optional (then any version will do).</summary>
public sealed record NuGetPackageReference(int Line, string Text, string PackageId, string? Version) : ReferenceDirective(Line, Text);

/// <summary>
/// A cell's code with its kernel directives taken out. Directive lines become blank lines, so compiler line
/// numbers still match the cell as the reader sees it.
/// </summary>
public sealed record CellCode(string Code, IReadOnlyList<ReferenceDirective> References);

/// <summary>Splits the directives Polyglot Notebooks understands in a C# cell from its C# code.</summary>
public static partial class CellDirectiveParser
{
    /// <summary>
    /// Recognises <c>#r "…"</c> (file or <c>nuget:</c>) and a leading <c>#!csharp</c> / <c>#!c#</c> kernel selector.
    /// </summary>
    /// <exception cref="NotebookReferenceException">A malformed <c>#r</c>, or another <c>#!</c> magic command the runner does not implement.</exception>
    public static CellCode Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        string[] lines = source.ReplaceLineEndings("\n").Split('\n');
        var references = new List<ReferenceDirective>();
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.StartsWith("#!", StringComparison.Ordinal))
            {
                if (line is not ("#!csharp" or "#!c#" or "#!C#"))
                    throw new NotebookReferenceException(
                        $"line {i + 1}: the magic command '{line}' is not supported by the notebook runner (only C# code and #r are).");
                lines[i] = "";
            }
            else if (line.StartsWith("#r ", StringComparison.Ordinal) || line == "#r")
            {
                references.Add(ParseReference(line, i + 1));
                lines[i] = "";
            }
        }
        return new CellCode(string.Join('\n', lines), references);
    }

    private static ReferenceDirective ParseReference(string line, int lineNumber)
    {
        Match match = QuotedArgument().Match(line);
        if (!match.Success)
            throw new NotebookReferenceException($"line {lineNumber}: expected #r \"<assembly path>\" or #r \"nuget: <package>, <version>\", found '{line}'.");
        string argument = match.Groups["arg"].Value.Trim();
        if (!argument.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase))
            return new AssemblyFileReference(lineNumber, line, argument);

        string[] parts = argument["nuget:".Length..].Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length is < 1 or > 2 || parts[0].Length == 0 || (parts.Length == 2 && parts[1].Length == 0))
            throw new NotebookReferenceException($"line {lineNumber}: expected #r \"nuget: <package>, <version>\", found '{line}'.");
        return new NuGetPackageReference(lineNumber, line, parts[0], parts.Length == 2 ? parts[1] : null);
    }

    [GeneratedRegex("""^#r\s+"(?<arg>[^"]+)"\s*(//.*)?$""")]
    private static partial Regex QuotedArgument();
}
