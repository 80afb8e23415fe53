using ImageCaptioning.Web.Health;
using ImageCaptioning.Web.Telemetry;
using YamlDotNet.RepresentationModel;

namespace ImageCaptioning.Web.Tests.Container;

/// <summary>deploy/k8s parses, and names what the Dockerfile and the app really provide: images, port, user, volumes, probes, metric.</summary>
public sealed class KubernetesManifestTests
{
    private static readonly string Folder = Path.Combine(TestData.RepositoryRoot(), "deploy", "k8s");
    private static readonly DockerfileRecipe Recipe = new(Path.Combine(TestData.RepositoryRoot(), "Dockerfile"));

    private static YamlMappingNode Load(string file)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Folder, file)))
            stream.Load(reader);
        return (YamlMappingNode)Assert.Single(stream.Documents).RootNode;
    }

    /// <summary>The node at a dotted path, e.g. <c>spec.template.spec</c>.</summary>
    private static YamlNode At(YamlNode node, string path)
    {
        foreach (string key in path.Split('.'))
        {
            var mapping = Assert.IsType<YamlMappingNode>(node);
            Assert.True(mapping.Children.TryGetValue(new YamlScalarNode(key), out var child), $"'{key}' missing on the way to '{path}'");
            node = child;
        }
        return node;
    }

    private static string Text(YamlNode node, string path) => ((YamlScalarNode)At(node, path)).Value!;

    private static YamlMappingNode SingleContainer(YamlNode workload) =>
        (YamlMappingNode)Assert.Single((YamlSequenceNode)At(workload, "spec.template.spec.containers"));

    /// <summary>The image name without registry or tag, as `docker build -t name` names it.</summary>
    private static string ImageName(string image) => image.Split('/')[^1].Split(':')[0];

    private static string StageTitle(string stage) => DockerfileRecipe.Labels(Recipe.Stage(stage))["org.opencontainers.image.title"];

    [Fact]
    public void Every_manifest_parses_with_an_api_version_and_a_kind_and_kustomize_lists_existing_files()
    {
        var files = Directory.GetFiles(Folder, "*.yaml").Select(f => Path.GetFileName(f)).ToList();
        Assert.Contains("deployment.yaml", files);
        foreach (string file in files)
        {
            var root = Load(file);
            Assert.False(string.IsNullOrWhiteSpace(Text(root, "apiVersion")), file);
            Assert.False(string.IsNullOrWhiteSpace(Text(root, "kind")), file);
        }
        foreach (var resource in (YamlSequenceNode)At(Load("kustomization.yaml"), "resources"))
            Assert.Contains(((YamlScalarNode)resource).Value, files);
    }

    [Fact]
    public void The_deployment_runs_the_web_image_as_its_user_on_its_port_with_the_live_and_ready_probes_and_its_volumes()
    {
        var deployment = Load("deployment.yaml");
        Assert.Equal("Deployment", Text(deployment, "kind"));
        var container = SingleContainer(deployment);
        Assert.Equal(StageTitle(ContainerImage.WebStage), ImageName(Text(container, "image")));

        var web = Recipe.Stage(ContainerImage.WebStage);
        var environment = DockerfileRecipe.Environment(web, ContainerImage.BaseImageEnvironment);
        Assert.Equal(environment["ASPNETCORE_HTTP_PORTS"], Text(Assert.Single((YamlSequenceNode)At(container, "ports")), "containerPort"));
        Assert.Equal(DockerfileRecipe.Expand(web.Last("USER")!.Arguments, environment), Text(deployment, "spec.template.spec.securityContext.runAsUser"));

        Assert.Equal(HealthEndpoints.LivePath, Text(container, "livenessProbe.httpGet.path"));
        Assert.Equal(HealthEndpoints.LivePath, Text(container, "startupProbe.httpGet.path"));
        Assert.Equal(HealthEndpoints.ReadyPath, Text(container, "readinessProbe.httpGet.path"));
        // The kubelet's probes and Prometheus send the pod's IP as Host: host filtering must let any host through.
        var env = ((YamlSequenceNode)At(container, "env")).ToDictionary(e => Text(e, "name"), e => Text(e, "value"));
        Assert.Equal("*", env.GetValueOrDefault("AllowedHosts", environment.GetValueOrDefault("AllowedHosts", "")));

        // The image's volumes are mounted (the root file system is read-only).
        var mounts = ((YamlSequenceNode)At(container, "volumeMounts")).Select(m => Text(m, "mountPath")).ToList();
        foreach (string volume in web.All("VOLUME").SelectMany(v => v.ExecForm()))
            Assert.Contains(volume, mounts);
        var annotations = (YamlMappingNode)At(deployment, "spec.template.metadata.annotations");
        Assert.Equal(TelemetrySetup.PrometheusPath, ((YamlScalarNode)annotations.Children[new YamlScalarNode("prometheus.io/path")]).Value);
    }

    [Fact]
    public void The_service_and_the_autoscaler_point_at_the_deployment_and_scale_on_cpu_and_queue_depth()
    {
        var deployment = Load("deployment.yaml");
        string name = Text(deployment, "metadata.name");
        var labels = (YamlMappingNode)At(deployment, "spec.template.metadata.labels");

        var service = Load("service.yaml");
        foreach (var (key, value) in (YamlMappingNode)At(service, "spec.selector"))
            Assert.Equal(value, labels.Children[key]);

        var hpa = Load("hpa.yaml");
        Assert.Equal("HorizontalPodAutoscaler", Text(hpa, "kind"));
        Assert.Equal(name, Text(hpa, "spec.scaleTargetRef.name"));
        var metrics = ((YamlSequenceNode)At(hpa, "spec.metrics")).ToList();
        Assert.Contains(metrics, m => Text(m, "type") == "Resource" && Text(m, "resource.name") == "cpu");
        // Prometheus names an OpenTelemetry instrument with '_' for '.' (its unit {request} adds no suffix).
        Assert.Contains(metrics, m => Text(m, "type") == "Pods" && Text(m, "pods.metric.name") == CaptionMetrics.QueueDepthInstrument.Replace('.', '_'));
    }

    [Fact]
    public void The_indexed_job_runs_the_cli_image_and_maps_the_completion_index_to_the_shard()
    {
        var job = Load("caption-job.yaml");
        Assert.Equal("Job", Text(job, "kind"));
        Assert.Equal("Indexed", Text(job, "spec.completionMode"));
        var container = SingleContainer(job);
        Assert.Equal(StageTitle("cli"), ImageName(Text(container, "image")));

        var args = ((YamlSequenceNode)At(container, "args")).Select(a => ((YamlScalarNode)a).Value!).ToList();
        Assert.Equal("caption", args[0]);
        int shard = args.IndexOf("--shard");
        Assert.True(shard > 0, "caption needs --shard i/n");
        Assert.Equal($"$(JOB_COMPLETION_INDEX)/{Text(job, "spec.completions")}", args[shard + 1]);
        // $(VAR) in args expands only variables the container declares.
        var env = ((YamlSequenceNode)At(container, "env")).Single(e => Text(e, "name") == "JOB_COMPLETION_INDEX");
        Assert.Equal("metadata.annotations['batch.kubernetes.io/job-completion-index']", Text(env, "valueFrom.fieldRef.fieldPath"));
    }
}
