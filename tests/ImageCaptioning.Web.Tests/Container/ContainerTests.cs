using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ImageCaptioning.Web.Health;
using ImageCaptioning.Web.Telemetry;
using ImageCaptioning.Web.Tests.Infrastructure;

namespace ImageCaptioning.Web.Tests.Container;

/// <summary>
/// The container image without Docker (no daemon or registry here): the Dockerfile's own publish of the web app,
/// laid out as its COPY lines say and started as its ENTRYPOINT, as its non-root USER, with its ENV and volumes —
/// listening where ASPNETCORE_HTTP_PORTS says — then probed with its HEALTHCHECK command.
/// </summary>
public sealed class ContainerTests(ContainerImage image) : IClassFixture<ContainerImage>
{
    private const long MaxImageAppBytes = 120L * 1024 * 1024;
    private const string PodIp = "10.244.1.7"; // a typical Kubernetes pod address
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void The_recipe_builds_on_official_dotnet_images_and_runs_as_a_non_root_user_with_a_cache_volume_and_a_health_check()
    {
        var recipe = image.Recipe;
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", recipe.Stage(ContainerImage.BuildStage).BaseImage);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", image.Web.BaseImage);
        Assert.Equal(ContainerImage.WebStage, recipe.Stages[^1].Name); // `docker build .` makes the web image

        var environment = image.Environment;
        string user = DockerfileRecipe.Expand(image.Web.Last("USER")!.Arguments, environment);
        Assert.True(int.TryParse(user, out int uid) && uid > 0, $"USER must be a non-root uid, not '{user}'");
        string[] volumes = image.Web.All("VOLUME").SelectMany(v => v.ExecForm()).ToArray();
        Assert.Contains(environment["IMAGECAPTIONING_MODEL_CACHE"], volumes);
        Assert.Contains(environment["IMAGECAPTIONING_FLAG_DIR"], volumes);
        Assert.Equal(environment["ASPNETCORE_HTTP_PORTS"], image.Web.Last("EXPOSE")!.Arguments);
        Assert.Contains(HealthEndpoints.LivePath, image.Web.Last("HEALTHCHECK")!.Arguments);
        Assert.Equal(["dotnet", "ImageCaptioning.Web.dll"], image.Web.Last("ENTRYPOINT")!.ExecForm());
    }

    [Fact]
    public async Task The_linux_x64_publish_with_the_model_is_at_most_120_MB_and_carries_no_other_platform()
    {
        await image.BuildAsync();
        string app = image.OnHost(image.WorkDir);
        var files = Directory.EnumerateFiles(app, "*", SearchOption.AllDirectories).Select(f => new FileInfo(f)).ToList();
        long bytes = files.Sum(f => f.Length);
        TestContext.Current.TestOutputHelper?.WriteLine($"image /app: {bytes / 1024.0 / 1024.0:F1} MB in {files.Count} files; publish took {image.PublishTime.TotalSeconds:F0} s");
        Assert.True(bytes <= MaxImageAppBytes, $"/app is {bytes / 1024.0 / 1024.0:F1} MB, more than 120 MB");
        Assert.False(Directory.Exists(Path.Combine(app, "runtimes")), "a RID-specific publish flattens natives; runtimes/ means other platforms came along");
        Assert.DoesNotContain(files, f => f.Extension is ".dll" && f.Name.StartsWith("onnxruntime", StringComparison.Ordinal)); // Windows native
        Assert.DoesNotContain(files, f => f.Extension is ".dylib");
        Assert.Contains(files, f => f.Name == "libonnxruntime.so");
        Assert.True(File.Exists(Path.Combine(image.OnHost(image.Environment["IMAGECAPTIONING_MODEL"]), "config.json")), "the decoder must be in the image");
    }

    [Fact]
    public async Task Help_prints_the_usage_and_does_not_start_a_server()
    {
        await image.BuildAsync();
        var (exit, output) = await Processes.RunAsync(Processes.DotnetHost(), ["ImageCaptioning.Web.dll", "--help"], image.OnHost(image.WorkDir), TimeSpan.FromSeconds(60));
        Assert.Equal(0, exit);
        Assert.Contains("Usage: ImageCaptioning.Web", output);
        Assert.Contains("ASPNETCORE_HTTP_PORTS", output);
        Assert.DoesNotContain("open http", output);
    }

    [Fact]
    public async Task Started_like_the_image_it_serves_as_non_root_on_the_http_port_and_captions()
    {
        string encoder = TestData.ModelsDirectory();
        await image.BuildAsync();
        int port = FreePort();
        var environment = ContainerEnvironment(port, encoder);
        int uid = int.Parse(DockerfileRecipe.Expand(image.Web.Last("USER")!.Arguments, environment));
        PrepareVolumes(environment, uid);

        var entrypoint = image.Web.Last("ENTRYPOINT")!.ExecForm();
        var start = new ProcessStartInfo { WorkingDirectory = image.OnHost(image.WorkDir), RedirectStandardOutput = true, RedirectStandardError = true };
        // As root (CI), drop to the image's uid the way `USER` does; otherwise this user is already not root.
        if (Environment.UserName == "root")
        {
            start.FileName = "setpriv";
            foreach (string argument in new[] { $"--reuid={uid}", $"--regid={uid}", "--clear-groups", "--" })
                start.ArgumentList.Add(argument);
            start.ArgumentList.Add(Processes.DotnetHost());
        }
        else
            start.FileName = Processes.DotnetHost();
        foreach (string argument in entrypoint.Skip(1))
            start.ArgumentList.Add(argument);
        start.Environment.Clear();
        foreach (var (key, value) in environment)
            start.Environment[key] = value;

        using var server = Process.Start(start)!;
        var log = new StringBuilder();
        server.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        server.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            await ServeAndStopAsync(server, port, environment, log);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            string output;
            lock (log) output = log.ToString();
            throw new Xunit.Sdk.XunitException($"{ex.Message}\n--- server output ---\n{output}", ex);
        }
        finally
        {
            if (!server.HasExited)
                server.Kill(entireProcessTree: true);
        }
    }

    private async Task ServeAndStopAsync(Process server, int port, Dictionary<string, string> environment, StringBuilder log)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        var live = await PollAsync(client, HealthEndpoints.LivePath, TimeSpan.FromSeconds(60), server);
        Assert.Equal(HttpStatusCode.OK, live);
        Assert.NotEqual(0, ProcessUid(server.Id)); // the serving process itself is not root

        // Ready only once the model has loaded (503 "loading" before, the first time usually).
        var ready = await PollAsync(client, HealthEndpoints.ReadyPath, TimeSpan.FromSeconds(120), server, until: HttpStatusCode.OK);
        Assert.True(ready == HttpStatusCode.OK, "/health/ready never became 200");

        // A kubelet probe or a Prometheus scrape names the pod's IP as Host, not localhost: the image must answer it.
        foreach (string path in new[] { HealthEndpoints.LivePath, HealthEndpoints.ReadyPath, TelemetrySetup.PrometheusPath })
        {
            using var byPodIp = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Host = $"{PodIp}:{port}" } };
            using var response = await client.SendAsync(byPodIp, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK,
                $"{path} with Host {PodIp}:{port} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        }

        using var body = new ByteArrayContent(TestImages.Jpeg());
        body.Headers.ContentType = new("image/jpeg");
        using var caption = await client.PostAsync("/api/caption", body, Ct);
        Assert.True(caption.IsSuccessStatusCode, await caption.Content.ReadAsStringAsync(Ct));
        var json = await caption.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("caption").GetString()));

        // The image's HEALTHCHECK command, as Docker would run it inside the container.
        var check = image.Web.Last("HEALTHCHECK")!.ExecForm();
        var (exit, output) = await Processes.RunAsync(check[0], check.Skip(1), image.OnHost(image.WorkDir), TimeSpan.FromSeconds(30), environment);
        Assert.True(exit == 0, $"HEALTHCHECK failed ({exit}): {output}");

        string startup;
        lock (log) startup = log.ToString();
        Assert.Contains($":{port}", startup); // where ASPNETCORE_HTTP_PORTS says, not the loopback default
        Assert.DoesNotContain("127.0.0.1:5000", startup);

        // docker stop sends SIGTERM: the app shuts down cleanly.
        await Processes.RunAsync("kill", ["-TERM", server.Id.ToString()], "/", TimeSpan.FromSeconds(5));
        using var stopped = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await server.WaitForExitAsync(stopped.Token);
        Assert.Equal(0, server.ExitCode);
    }

    /// <summary>The Dockerfile's ENV with its paths moved into the stand-in root, the port to test, and the offline encoder folder.</summary>
    private Dictionary<string, string> ContainerEnvironment(int port, string encoderFolder)
    {
        var environment = image.Environment;
        foreach (var key in environment.Keys.Where(k => k.StartsWith("IMAGECAPTIONING_", StringComparison.Ordinal)).ToList())
            if (environment[key].StartsWith('/'))
                environment[key] = image.OnHost(environment[key]);
        environment["ASPNETCORE_HTTP_PORTS"] = port.ToString();
        // No internet here: the encoder comes from a mounted folder, as the Dockerfile's header describes.
        environment["IMAGECAPTIONING_MODELS_DIR"] = encoderFolder;
        environment["HOME"] = image.OnHost("/home/app");
        environment["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        return environment;
    }

    /// <summary>What the Dockerfile's RUN mkdir/chown does for its volumes: folders the image's user can write.</summary>
    private void PrepareVolumes(Dictionary<string, string> environment, int uid)
    {
        var folders = image.Web.All("VOLUME").SelectMany(v => v.ExecForm()).Select(image.OnHost).Append(environment["HOME"]).ToList();
        foreach (string folder in folders)
        {
            Directory.CreateDirectory(folder);
            if (Environment.UserName == "root")
                Assert.Equal(0, Processes.RunAsync("chown", ["-R", $"{uid}:{uid}", folder], "/", TimeSpan.FromSeconds(10)).Result.ExitCode);
        }
    }

    private static async Task<HttpStatusCode?> PollAsync(HttpClient client, string path, TimeSpan timeout, Process server, HttpStatusCode? until = null)
    {
        var clock = Stopwatch.StartNew();
        HttpStatusCode? last = null;
        while (clock.Elapsed < timeout)
        {
            Assert.False(server.HasExited, $"the server exited ({(server.HasExited ? server.ExitCode : 0)})");
            try
            {
                using var response = await client.GetAsync(path, Ct);
                last = response.StatusCode;
                if (until is null || last == until)
                    return last;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(200, Ct);
        }
        return last;
    }

    private static int ProcessUid(int pid) =>
        int.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal))
            .Split('\t', StringSplitOptions.RemoveEmptyEntries)[1]);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
