using System.Reflection;

namespace ImageCaptioning.Notebooks.References;

/// <summary>What a <c>#r</c> directive became: the assemblies added to the script, and where they came from.</summary>
/// <param name="Origin">A short phrase for logs, e.g. "runner (Plotly.NET.CSharp 0.14.0)".</param>
public sealed record ResolvedReference(ReferenceDirective Directive, IReadOnlyList<Assembly> Assemblies, string Origin);

/// <summary>
/// Turns <c>#r</c> directives into assemblies without any network access:
/// <list type="bullet">
/// <item>a file path (relative to the notebook) must exist — it is the path a reader's kernel would load — but when
///   the host already has an assembly of that name, the host's copy is used, so there is one copy of each type and
///   its native libraries (onnxruntime, SkiaSharp) are found;</item>
/// <item><c>nuget: Id, Version</c> is served from the host's deps.json (the package and its dependencies, at the
///   host's version, which must be at least the one asked for), else from the local NuGet cache
///   (<c>$NUGET_PACKAGES</c> or <c>~/.nuget/packages</c>: the package's own assemblies only, not its dependencies);</item>
/// <item>kernel extensions that only teach Polyglot how to show a type (Plotly.NET.Interactive) are accepted and
///   replaced by the runner's own formatter.</item>
/// </list>
/// </summary>
public sealed class ReferenceResolver
{
    /// <summary>Packages whose only job in Polyglot is formatting; the runner's <c>display</c> does that job.</summary>
    public static IReadOnlySet<string> KernelExtensionPackages { get; } =
        new HashSet<string>(["Plotly.NET.Interactive"], StringComparer.OrdinalIgnoreCase);

    // Newest first: the first folder of a package that exists is used.
    private static readonly string[] TargetFrameworks =
        ["net10.0", "net9.0", "net8.0", "net7.0", "net6.0", "net5.0", "netcoreapp3.1", "netstandard2.1", "netstandard2.0"];

    private readonly DependencyManifest _host;
    private readonly string _nugetCache;

    /// <param name="nugetCacheDirectory">The global packages folder; null = <c>$NUGET_PACKAGES</c> or <c>~/.nuget/packages</c>.</param>
    public ReferenceResolver(string? nugetCacheDirectory = null)
        : this(DependencyManifest.ForCurrentProcess(), nugetCacheDirectory) { }

    internal ReferenceResolver(DependencyManifest host, string? nugetCacheDirectory)
    {
        _host = host;
        _nugetCache = nugetCacheDirectory ?? DefaultNuGetCache();
    }

    /// <summary>Where <c>#r "nuget: …"</c> looks for packages the host does not have.</summary>
    public string NuGetCacheDirectory => _nugetCache;

    public static string DefaultNuGetCache() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <exception cref="NotebookReferenceException">The file or package cannot be found offline.</exception>
    public ResolvedReference Resolve(ReferenceDirective directive, string notebookDirectory) => directive switch
    {
        AssemblyFileReference file => ResolveFile(file, notebookDirectory),
        NuGetPackageReference package => ResolvePackage(package),
        _ => throw new ArgumentOutOfRangeException(nameof(directive)),
    };

    private static ResolvedReference ResolveFile(AssemblyFileReference file, string notebookDirectory)
    {
        string path = Path.GetFullPath(Path.Combine(notebookDirectory, file.Path));
        if (!File.Exists(path))
            throw new NotebookReferenceException(
                $"line {file.Line}: {file.Text} names '{path}', which does not exist (build the solution first: dotnet build -c Release).");
        string name;
        try
        {
            name = AssemblyName.GetAssemblyName(path).Name!;
        }
        catch (BadImageFormatException)
        {
            throw new NotebookReferenceException($"line {file.Line}: {file.Text} names '{path}', which is not a .NET assembly.");
        }
        return HostAssemblies.Trusted.ContainsKey(name)
            ? new ResolvedReference(file, [HostAssemblies.LoadTrusted(name)], $"runner's copy of {name}")
            : new ResolvedReference(file, [HostAssemblies.LoadFile(path)], path);
    }

    private ResolvedReference ResolvePackage(NuGetPackageReference package)
    {
        if (KernelExtensionPackages.Contains(package.PackageId))
            return new ResolvedReference(package, [], "kernel extension: the runner's display() formats these values itself");

        if (_host.TryGet(package.PackageId, out var library))
        {
            if (package.Version is { } wanted && PackageVersion.Compare(library.Version, wanted) < 0)
                throw new NotebookReferenceException(
                    $"line {package.Line}: {package.Text} asks for {package.PackageId} {wanted}, but the runner was built with {library.Version}; update the runner's PackageReference.");
            var assemblies = _host.Closure(library)
                .SelectMany(l => l.AssemblyNames)
                .Where(HostAssemblies.Trusted.ContainsKey)
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .Select(HostAssemblies.LoadTrusted)
                .ToArray();
            return new ResolvedReference(package, assemblies, $"runner ({library.Name} {library.Version} and its dependencies)");
        }
        return ResolveFromCache(package);
    }

    private ResolvedReference ResolveFromCache(NuGetPackageReference package)
    {
        string packageDirectory = Path.Combine(_nugetCache, package.PackageId.ToLowerInvariant());
        string? version = package.Version ?? (Directory.Exists(packageDirectory)
            ? Directory.GetDirectories(packageDirectory).Select(Path.GetFileName).OfType<string>()
                .OrderByDescending(v => v, Comparer<string>.Create(PackageVersion.Compare)).FirstOrDefault()
            : null);
        string? lib = version is null ? null : TargetFrameworks
            .Select(tfm => Path.Combine(packageDirectory, version.ToLowerInvariant(), "lib", tfm))
            .FirstOrDefault(Directory.Exists);
        if (lib is null)
            throw new NotebookReferenceException(
                $"line {package.Line}: {package.Text} cannot be resolved offline: the runner was not built with {package.PackageId} "
                + $"and the NuGet cache '{_nugetCache}' has no {package.PackageId} {package.Version ?? "(any version)"} for .NET; "
                + "add a PackageReference to the runner project or restore the package once.");
        var assemblies = Directory.GetFiles(lib, "*.dll")
            .Order(StringComparer.Ordinal)
            .Select(file => HostAssemblies.Trusted.ContainsKey(Path.GetFileNameWithoutExtension(file))
                ? HostAssemblies.LoadTrusted(Path.GetFileNameWithoutExtension(file))
                : HostAssemblies.LoadFile(file))
            .ToArray();
        return new ResolvedReference(package, assemblies, $"NuGet cache ({lib})");
    }
}
