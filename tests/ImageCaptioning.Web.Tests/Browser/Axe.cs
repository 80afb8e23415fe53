using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace ImageCaptioning.Web.Tests.Browser;

/// <summary>axe-core (through Deque.AxeCore.Playwright) on the page as it is now: every rule axe runs by default, plus the WCAG 2.2 target-size rule.</summary>
public static class Axe
{
    private static readonly AxeRunOptions Options = new()
    {
        Rules = new Dictionary<string, RuleOptions> { ["target-size"] = new() { Enabled = true } },
        ResultTypes = [ResultType.Violations, ResultType.Incomplete],
    };

    /// <summary>One readable line per violation (rule, impact, elements); empty when the page is clean.</summary>
    public static async Task<IReadOnlyList<string>> ViolationsAsync(IPage page) => (await RunAsync(page)).Violations;

    /// <summary>The violations, and the rules axe could not decide alone ("incomplete": for a person to review, e.g. text over an image).</summary>
    public static async Task<(IReadOnlyList<string> Violations, IReadOnlyList<string> Incomplete)> RunAsync(IPage page)
    {
        AxeResult result = await page.RunAxe(Options);
        return ([.. result.Violations.Select(v => $"{v.Id} ({v.Impact}): {string.Join(" | ", v.Nodes.Select(Describe))}")],
                [.. result.Incomplete.Select(i => $"{i.Id} ({string.Join(" | ", i.Nodes.Select(Describe))})")]);
    }

    private static string Describe(AxeResultNode node)
    {
        var checks = (node.Any ?? []).Concat(node.All ?? []).Concat(node.None ?? []);
        return $"{node.Target} {string.Join(", ", checks.Select(c => c.Message))}";
    }
}
