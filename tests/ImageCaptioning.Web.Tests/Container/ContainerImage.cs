using System.Diagnostics;
using ImageCaptioning.Web.Tests.Infrastructure;

namespace ImageCaptioning.Web.Tests.Container;

/// <summary>
/// What <c>docker build</c> would put in the web image, without Docker: the build stage's <c>dotnet publish</c> line run
/// as written (output redirected), then the web stage's COPY instructions applied to a folder standing for the
/// image's root file system. Built once per test class; <see cref="Start"/> runs it as the image's ENTRYPOINT.
/// </summary>
public sealed class ContainerImage : IAsyncDisposable
{
    public const string WebStage = "web";
    public const string BuildStage = "build";

    /// <summary>What the official aspnet:10.0 image sets itself (its Dockerfile), which ours builds on.</summary>
    public static readonly IReadOnlyDictionary<string, string> BaseImageEnvironment = new Dictionary<string, string>
    {
        ["APP_UID"] = "1654",
        ["ASPNETCORE_HTTP_PORTS"] = "8080",
        ["DOTNET_RUNNING_IN_CONTAINER"] = "true",
    };

    private readonly TemporaryFolder _root = new("container-rootfs");
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _built;

    public DockerfileRecipe Recipe { get; } = new(System.IO.Path.Combine(TestData.RepositoryRoot(), "Dockerfile"));

    public DockerStage Web => Recipe.Stage(WebStage);

    /// <summary>The image's environment: the base image's, then the Dockerfile's ENV.</summary>
    public Dictionary<string, string> Environment => DockerfileRecipe.Environment(Web, BaseImageEnvironment);

    /// <summary>The stand-in for the image's "/".</summary>
    public string RootFs => _root.Path;

    /// <summary>A path inside the image, on this machine.</summary>
    public string OnHost(string containerPath) =>
        System.IO.Path.Combine(RootFs, containerPath.TrimStart('/'));

    public string WorkDir => Web.Last("WORKDIR")?.Arguments ?? "/";

    public TimeSpan PublishTime { get; private set; }

    public async Task BuildAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_built)
                return;
            var publish = PublishCommand();
            var clock = Stopwatch.StartNew();
            var (exit, output) = await Processes.RunAsync(Processes.DotnetHost(), publish.Arguments, TestData.RepositoryRoot(), timeout: TimeSpan.FromMinutes(8));
            PublishTime = clock.Elapsed;
            Assert.True(exit == 0, $"dotnet {string.Join(' ', publish.Arguments)} failed ({exit}):\n{output}");
            foreach (var copy in Web.All("COPY"))
                ApplyCopy(copy, publish.OutputInBuildStage, publish.OutputOnHost);
            _built = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The build stage's <c>dotnet publish …ImageCaptioning.Web…</c>, its output folder mapped into this root.</summary>
    private (string[] Arguments, string OutputInBuildStage, string OutputOnHost) PublishCommand()
    {
        var run = Recipe.Stage(BuildStage).All("RUN").Single(r => r.Arguments.Contains("dotnet publish") && r.Arguments.Contains("ImageCaptioning.Web"));
        var words = run.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(w => w != "publish").ToList();
        int output = words.IndexOf("-o");
        Assert.True(output > 0, $"the publish line names no -o folder: {run.Arguments}");
        string inBuildStage = words[output + 1];
        string onHost = OnHost("build-stage" + inBuildStage);
        words[output + 1] = onHost;
        words.Remove("--no-restore"); // the Dockerfile restores in a step of its own
        // A build of its own, like the image's fresh checkout: no obj/ or bin/ shared with the solution's build or
        // with another test that builds these projects at the same time.
        words.AddRange(["--artifacts-path", OnHost("/build-stage/artifacts")]);
        return ([.. words], inBuildStage, onHost);
    }

    /// <summary><c>COPY [--from=build] [--chown=…] src dest</c>: from the build stage's publish folder or from the checkout.</summary>
    private void ApplyCopy(DockerInstruction copy, string buildOutput, string buildOutputOnHost)
    {
        var words = copy.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string? from = words.FirstOrDefault(w => w.StartsWith("--from=", StringComparison.Ordinal))?["--from=".Length..];
        var paths = words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, paths.Length);
        string source = from switch
        {
            null => System.IO.Path.Combine(TestData.RepositoryRoot(), paths[0]),
            BuildStage when paths[0].TrimEnd('/') == buildOutput => buildOutputOnHost,
            _ => throw new InvalidOperationException($"COPY from an unknown place: {copy.Arguments}"),
        };
        string destination = paths[1].StartsWith('/') ? paths[1] : WorkDir.TrimEnd('/') + "/" + paths[1];
        if (Directory.Exists(source))
            CopyDirectory(source, OnHost(destination));
        else
        {
            string target = destination.EndsWith('/') ? OnHost(destination + System.IO.Path.GetFileName(source)) : OnHost(destination);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(source, target, overwrite: true);
        }
    }

    private static void CopyDirectory(string source, string destination)
    {
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string target = System.IO.Path.Combine(destination, System.IO.Path.GetRelativePath(source, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    public ValueTask DisposeAsync()
    {
        _root.Dispose();
        return ValueTask.CompletedTask;
    }
}
