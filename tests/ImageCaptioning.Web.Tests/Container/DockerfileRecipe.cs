using System.Text.Json;
using System.Text.RegularExpressions;

namespace ImageCaptioning.Web.Tests.Container;

/// <summary>One Dockerfile instruction: its keyword (upper case) and its arguments, continuation lines joined.</summary>
public sealed record DockerInstruction(string Keyword, string Arguments)
{
    /// <summary>The exec form <c>["a", "b"]</c> as a list (after any <c>--option=…</c> flags and, for HEALTHCHECK, <c>CMD</c>).</summary>
    public IReadOnlyList<string> ExecForm()
    {
        int start = Arguments.IndexOf('[', StringComparison.Ordinal);
        Assert.True(start >= 0, $"{Keyword} must use the exec form [\"…\"]: {Arguments}");
        return JsonSerializer.Deserialize<string[]>(Arguments[start..])!;
    }
}

/// <summary>A build stage: <c>FROM base AS name</c> and its instructions.</summary>
public sealed record DockerStage(string Name, string BaseImage, IReadOnlyList<DockerInstruction> Instructions)
{
    public IEnumerable<DockerInstruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);

    public DockerInstruction? Last(string keyword) => All(keyword).LastOrDefault();
}

/// <summary>
/// The repository's Dockerfile, read well enough to run what it builds without Docker: stages, ENV, USER, VOLUME,
/// COPY, ENTRYPOINT and HEALTHCHECK (what the container tests need; not a general Dockerfile parser).
/// </summary>
public sealed partial class DockerfileRecipe
{
    public DockerfileRecipe(string path)
    {
        var stages = new List<DockerStage>();
        List<DockerInstruction>? current = null;
        foreach (string line in LogicalLines(File.ReadAllLines(path)))
        {
            var match = InstructionPattern().Match(line);
            Assert.True(match.Success, $"not an instruction: {line}");
            var instruction = new DockerInstruction(match.Groups[1].Value.ToUpperInvariant(), match.Groups[2].Value.Trim());
            if (instruction.Keyword == "FROM")
            {
                var from = FromPattern().Match(instruction.Arguments);
                Assert.True(from.Success, $"FROM without AS name: {line}");
                current = [];
                string baseImage = from.Groups[1].Value;
                // FROM an earlier stage inherits that stage's instructions (its ENV, USER, VOLUME…).
                var parent = stages.FirstOrDefault(s => s.Name == baseImage);
                if (parent is not null)
                {
                    current.AddRange(parent.Instructions);
                    baseImage = parent.BaseImage;
                }
                stages.Add(new DockerStage(from.Groups[2].Value, baseImage, current));
            }
            else
            {
                Assert.NotNull(current);
                current.Add(instruction);
            }
        }
        Stages = stages;
    }

    public IReadOnlyList<DockerStage> Stages { get; }

    public DockerStage Stage(string name) => Stages.Single(s => s.Name == name);

    /// <summary>ENV of a stage (later assignments win); <paramref name="baseImageEnvironment"/> stands for the base image's own.</summary>
    public static Dictionary<string, string> Environment(DockerStage stage, IReadOnlyDictionary<string, string> baseImageEnvironment)
    {
        var environment = new Dictionary<string, string>(baseImageEnvironment);
        foreach (var env in stage.All("ENV"))
            foreach (Match pair in EnvPairPattern().Matches(env.Arguments))
                environment[pair.Groups[1].Value] = pair.Groups[2].Value.Trim('"');
        return environment;
    }

    /// <summary>LABEL key="value" pairs of a stage (e.g. org.opencontainers.image.title).</summary>
    public static Dictionary<string, string> Labels(DockerStage stage)
    {
        var labels = new Dictionary<string, string>();
        foreach (var label in stage.All("LABEL"))
            foreach (Match pair in EnvPairPattern().Matches(label.Arguments))
                labels[pair.Groups[1].Value] = pair.Groups[2].Value.Trim('"');
        return labels;
    }

    /// <summary>Replaces <c>$NAME</c> / <c>${NAME}</c> as Docker does in USER, WORKDIR, COPY… instructions.</summary>
    public static string Expand(string value, IReadOnlyDictionary<string, string> environment) =>
        VariablePattern().Replace(value, m => environment.GetValueOrDefault(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value, ""));

    /// <summary>Joins backslash-continued lines and drops comments and blank lines.</summary>
    private static IEnumerable<string> LogicalLines(IEnumerable<string> lines)
    {
        string pending = "";
        foreach (string raw in lines)
        {
            string line = raw.Trim();
            if (line.StartsWith('#') || line.Length == 0)
                continue;
            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }
            yield return pending + line;
            pending = "";
        }
        if (pending.Length > 0)
            yield return pending;
    }

    [GeneratedRegex(@"^([A-Za-z]+)\s+(.*)$")]
    private static partial Regex InstructionPattern();

    [GeneratedRegex(@"^(\S+)\s+AS\s+(\S+)$", RegexOptions.IgnoreCase)]
    private static partial Regex FromPattern();

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_.-]*)=(""[^""]*""|\S+)")]
    private static partial Regex EnvPairPattern();

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex VariablePattern();
}
