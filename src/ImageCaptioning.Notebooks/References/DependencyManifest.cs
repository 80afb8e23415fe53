using System.Text.Json;

namespace ImageCaptioning.Notebooks.References;

/// <summary>
/// The host application's <c>.deps.json</c>: which NuGet packages (and versions) it was built with, each package's
/// managed assemblies and its dependencies. This is how <c>#r "nuget: …"</c> is answered without a network restore:
/// a package the host already has is served from the host's own, already loadable, copy.
/// </summary>
internal sealed class DependencyManifest
{
    /// <summary>A package or project of the host, with its managed assembly names and dependency ids.</summary>
    public sealed record Library(string Name, string Version, IReadOnlyList<string> AssemblyNames, IReadOnlyList<string> Dependencies);

    private readonly Dictionary<string, Library> _byName;

    private DependencyManifest(Dictionary<string, Library> byName) => _byName = byName;

    public static DependencyManifest Empty { get; } = new(new(StringComparer.OrdinalIgnoreCase));

    /// <summary>
    /// The deps files the runtime started this process with (APP_CONTEXT_DEPS_FILES) and those in the application's
    /// folder (a test host may start the process with another app's deps file), merged.
    /// </summary>
    public static DependencyManifest ForCurrentProcess()
    {
        string started = AppContext.GetData("APP_CONTEXT_DEPS_FILES") as string ?? "";
        var files = started.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.deps.json"))
            .Where(File.Exists)
            .Select(Path.GetFullPath)
            .Distinct(StringComparer.Ordinal);
        return Load(files);
    }

    public static DependencyManifest Load(IEnumerable<string> depsFiles)
    {
        var byName = new Dictionary<string, Library>(StringComparer.OrdinalIgnoreCase);
        foreach (string file in depsFiles)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            if (!document.RootElement.TryGetProperty("targets", out var targets))
                continue;
            foreach (var target in targets.EnumerateObject())
            {
                foreach (var entry in target.Value.EnumerateObject())
                {
                    var library = ReadLibrary(entry);
                    byName.TryAdd(library.Name, library);
                }
            }
        }
        return new DependencyManifest(byName);
    }

    public bool TryGet(string name, out Library library) => _byName.TryGetValue(name, out library!);

    /// <summary><paramref name="root"/> and everything it depends on, transitively (each once).</summary>
    public IEnumerable<Library> Closure(Library root)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<Library>([root]);
        while (pending.TryPop(out var library))
        {
            if (!seen.Add(library.Name))
                continue;
            yield return library;
            foreach (string dependency in library.Dependencies)
            {
                if (_byName.TryGetValue(dependency, out var next))
                    pending.Push(next);
            }
        }
    }

    private static Library ReadLibrary(JsonProperty entry)
    {
        int slash = entry.Name.IndexOf('/');
        string name = slash < 0 ? entry.Name : entry.Name[..slash];
        string version = slash < 0 ? "" : entry.Name[(slash + 1)..];
        var assemblies = new List<string>();
        // "runtime" lists the managed assemblies for every platform; RID-specific "runtimeTargets" are left to the host.
        if (entry.Value.TryGetProperty("runtime", out var runtime))
        {
            foreach (var file in runtime.EnumerateObject())
            {
                if (file.Name.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                    assemblies.Add(Path.GetFileNameWithoutExtension(file.Name));
            }
        }
        var dependencies = new List<string>();
        if (entry.Value.TryGetProperty("dependencies", out var deps))
            dependencies.AddRange(deps.EnumerateObject().Select(d => d.Name));
        return new Library(name, version, assemblies, dependencies);
    }
}
