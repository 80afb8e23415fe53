using System.Text.RegularExpressions;
using ArchUnitNET.Fluent.Slices;
using ArchUnitNET.Loader;
using ImageCaptioning.Tests.Infrastructure;
using LoadedArchitecture = ArchUnitNET.Domain.Architecture;

namespace ImageCaptioning.Tests.Architecture;

/// <summary>
/// No two folders (first-level namespaces) of a src project depend on each other, directly or round a loop, so a reader can
/// take each project's folders in an order where every one uses only those before it. Two readings, because each misses
/// something: the compiled assemblies' type dependencies (ArchUnitNET; sees qualified names and parent-namespace types) and
/// the sources' <c>using</c> directives (sees constants, which the compiler inlines, and doc-comment references).
/// </summary>
public sealed partial class FolderCycleTests
{
    /// <summary>Every src project's assembly name, which is also its root namespace and folder (each is referenced by this test project).</summary>
    public static TheoryData<string> Projects =>
        ["ImageCaptioning", "ImageCaptioning.Training", "ImageCaptioning.Cli", "ImageCaptioning.Web", "ImageCaptioning.Notebooks", "ImageCaptioning.Benchmarks"];

    [Theory]
    [MemberData(nameof(Projects))]
    public void Folders_of_each_src_project_have_no_dependency_cycle(string project)
    {
        var compiled = CompiledCycles(new ArchLoader().LoadAssemblies(System.Reflection.Assembly.Load(project)).Build(), project);
        var sourceFiles = Directory.EnumerateFiles(Path.Combine(TestData.RepositoryRoot(), "src", project), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                           && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText);
        var usings = UsingCycles(sourceFiles, project);

        string report = string.Join("\n\n", compiled.Concat(usings.Select(pair => $"using cycle: {pair.Key} -> {string.Join(", ", pair.Value)}")));
        Assert.True(compiled.Count == 0 && usings.Count == 0, report);
    }

    [Fact]
    public void Every_src_project_is_checked()
    {
        var onDisk = Directory.EnumerateFiles(Path.Combine(TestData.RepositoryRoot(), "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        Assert.Equal(onDisk, Projects.Select(row => row.Data).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_compiled_check_finds_a_cycle_between_two_folders()
    {
        // CycleFixture/: Alpha uses Beta and Beta uses Alpha.
        var architecture = new ArchLoader().LoadAssemblies(typeof(FolderCycleTests).Assembly).Build();
        Assert.NotEmpty(CompiledCycles(architecture, typeof(CycleFixture.Alpha.Holder).Namespace![..^".Alpha".Length]));
    }

    [Fact]
    public void The_using_check_finds_a_cycle_through_a_third_folder_and_ignores_one_way_use()
    {
        string[] sources =
        [
            "using P.Beta;\nnamespace P.Alpha;\nclass A { }",
            "using P.Gamma;\nusing P.Delta;\nnamespace P.Beta;\nclass B { }",
            "using P.Alpha;\nnamespace P.Gamma\n{\n    class C { }\n}",
            "namespace P.Delta;\nclass D { }",
        ];
        var cycles = UsingCycles(sources, "P");
        Assert.Equal(["Alpha", "Beta", "Gamma"], cycles.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(UsingCycles(sources[..2].Append("namespace P.Gamma;").Append(sources[3]), "P"));
    }

    /// <summary>One description per cycle ArchUnitNET finds among the first-level namespaces under <paramref name="root"/>.</summary>
    private static List<string> CompiledCycles(LoadedArchitecture architecture, string root)
    {
        var rule = SliceRuleDefinition.Slices().Matching(root + ".(*)").Should().BeFreeOfCycles();
        return [.. rule.Evaluate(architecture).Where(result => !result.Passed).Select(result => result.Description)];
    }

    /// <summary>Each folder that reaches itself through <c>using</c> directives, with the folders it uses.</summary>
    private static Dictionary<string, List<string>> UsingCycles(IEnumerable<string> sources, string root)
    {
        var uses = new Dictionary<string, HashSet<string>>();
        foreach (string source in sources)
        {
            var declared = NamespaceLine().Match(source);
            if (!declared.Success || FolderOf(declared.Groups[1].Value, root) is not { } folder)
                continue;
            var used = uses.TryGetValue(folder, out var set) ? set : uses[folder] = [];
            foreach (Match directive in UsingLine().Matches(source))
                if (FolderOf(directive.Groups[1].Value, root) is { } other && other != folder)
                    used.Add(other);
        }
        bool Reaches(string from, string target)
        {
            var seen = new HashSet<string>();
            var next = new Stack<string>([from]);
            while (next.TryPop(out var folder))
                foreach (string other in uses.GetValueOrDefault(folder) ?? [])
                {
                    if (other == target) return true;
                    if (seen.Add(other)) next.Push(other);
                }
            return false;
        }
        return uses.Keys.Where(folder => Reaches(folder, folder))
            .ToDictionary(folder => folder, folder => uses[folder].Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>"Web" for "Root.Web.Api" under root "Root"; null for the root namespace itself or another root.</summary>
    private static string? FolderOf(string @namespace, string root) =>
        @namespace.StartsWith(root + ".", StringComparison.Ordinal) ? @namespace[(root.Length + 1)..].Split('.')[0] : null;

    [GeneratedRegex(@"^namespace\s+([\w.]+)", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingLine();
}
