using LoadedArchitecture = ArchUnitNET.Domain.Architecture;
using ArchUnitNET.Fluent.Slices;
using ArchUnitNET.Loader;

namespace ImageCaptioning.Tests.Architecture;

/// <summary>
/// No two folders (namespaces) of a src project depend on each other, directly or round a loop: a reader can then
/// take each project's folders in an order where every one uses only those before it. Reads the compiled assemblies'
/// type dependencies (ArchUnitNET), so a fully qualified name or a parent-namespace type counts as much as a using.
/// </summary>
public sealed class FolderCycleTests
{
    /// <summary>Every src project's assembly name, which is also its root namespace (each is referenced by this test project).</summary>
    public static TheoryData<string> Projects =>
        ["ImageCaptioning", "ImageCaptioning.Training", "ImageCaptioning.Cli", "ImageCaptioning.Web", "ImageCaptioning.Notebooks", "ImageCaptioning.Benchmarks"];

    /// <summary>
    /// Cycles that existed before this check, by the folders they join. The test skips (saying so) while a project's cycles are
    /// exactly these, and fails when they change: a new folder joining the loop, or a fix (then empty this entry).
    /// </summary>
    private static readonly Dictionary<string, string> KnownCycles = new()
    {
        ["ImageCaptioning"] = "Attention, Captioning, Decoding, Encoder, Metrics, ModelFolder, OutOfDistribution",
    };

    [Theory]
    [MemberData(nameof(Projects))]
    public void Folders_of_each_src_project_have_no_dependency_cycle(string project)
    {
        var architecture = new ArchLoader().LoadAssemblies(System.Reflection.Assembly.Load(project)).Build();
        var cycles = Cycles(architecture, project);
        string folders = string.Join(", ", cycles.SelectMany(FoldersIn).Distinct().Order(StringComparer.Ordinal));
        if (cycles.Count > 0 && KnownCycles.TryGetValue(project, out var known) && folders == known)
            Assert.Skip($"{project} still has its known folder cycle ({known}); once it is broken, empty its entry in {nameof(KnownCycles)}.");
        Assert.True(cycles.Count == 0, string.Join("\n\n", cycles));
        Assert.False(KnownCycles.ContainsKey(project), $"{project} has no folder cycle any more: remove it from {nameof(KnownCycles)}.");
    }

    /// <summary>The folders named in one cycle's description ("Cycle found:\nA -> B\n\tdetails…").</summary>
    private static IEnumerable<string> FoldersIn(string cycle) =>
        cycle.Split('\n').Select(line => line.Split(" -> "))
            .Where(parts => parts.Length == 2 && !parts[0].StartsWith('\t'))
            .SelectMany(parts => parts.Select(part => part.Trim()));

    [Fact]
    public void The_check_finds_a_cycle_between_two_folders()
    {
        // CycleFixture/: Alpha uses Beta and Beta uses Alpha.
        var architecture = new ArchLoader().LoadAssemblies(typeof(FolderCycleTests).Assembly).Build();
        var cycles = Cycles(architecture, typeof(CycleFixture.Alpha.Holder).Namespace![..^".Alpha".Length]);
        Assert.NotEmpty(cycles);
    }

    /// <summary>One line per cycle found among the first-level namespaces under <paramref name="root"/>.</summary>
    private static List<string> Cycles(LoadedArchitecture architecture, string root)
    {
        var rule = SliceRuleDefinition.Slices().Matching(root + ".(*)").Should().BeFreeOfCycles();
        return [.. rule.Evaluate(architecture).Where(result => !result.Passed).Select(result => result.Description)];
    }
}
