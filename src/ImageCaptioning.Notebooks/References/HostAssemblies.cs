using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;

namespace ImageCaptioning.Notebooks.References;

/// <summary>
/// The assemblies the host process can load by name (its trusted platform assemblies: the shared framework plus
/// everything in its deps.json), and loading of assemblies from elsewhere into the same, default, load context —
/// so a notebook's types are the host's types (the runner's <c>display</c> recognises a notebook's Plotly chart).
/// </summary>
internal static class HostAssemblies
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> TrustedByName = new(ReadTrustedPlatformAssemblies);
    private static readonly ConcurrentDictionary<string, byte> ProbeDirectories = new(StringComparer.Ordinal);
    private static int _resolverInstalled;

    /// <summary>Simple name → file of every assembly the host can load by name.</summary>
    public static IReadOnlyDictionary<string, string> Trusted => TrustedByName.Value;

    /// <summary>The shared framework's assemblies (what a C# kernel references before any #r).</summary>
    public static IEnumerable<string> FrameworkAssemblyFiles()
    {
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return Trusted.Values.Where(path => string.Equals(Path.GetDirectoryName(path), frameworkDirectory, StringComparison.Ordinal));
    }

    /// <summary>Loads the host's own copy of <paramref name="simpleName"/>.</summary>
    public static Assembly LoadTrusted(string simpleName) =>
        AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(simpleName));

    /// <summary>
    /// Loads an assembly file the host does not have, into the default context; its folder is searched for the
    /// assemblies it depends on.
    /// </summary>
    public static Assembly LoadFile(string path)
    {
        if (Interlocked.Exchange(ref _resolverInstalled, 1) == 0)
            AssemblyLoadContext.Default.Resolving += ResolveFromProbeDirectories;
        ProbeDirectories.TryAdd(Path.GetDirectoryName(path)!, 0);
        string name = AssemblyName.GetAssemblyName(path).Name!;
        Assembly? loaded = AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => a.GetName().Name == name);
        return loaded ?? AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
    }

    private static Assembly? ResolveFromProbeDirectories(AssemblyLoadContext context, AssemblyName name)
    {
        foreach (string directory in ProbeDirectories.Keys)
        {
            string candidate = Path.Combine(directory, name.Name + ".dll");
            if (File.Exists(candidate))
                return context.LoadFromAssemblyPath(candidate);
        }
        return null;
    }

    private static IReadOnlyDictionary<string, string> ReadTrustedPlatformAssemblies()
    {
        string list = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "";
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            byName.TryAdd(Path.GetFileNameWithoutExtension(path), path);
        return byName;
    }
}
