using System.Reflection;

namespace ImageCaptioning.Notebooks.Charts;

/// <summary>
/// Teaches the running .NET Interactive kernel to show a <see cref="Chart"/> as one output with text/html (plotly.js)
/// and image/svg+xml, and an <see cref="HtmlFragment"/> as HTML. The Formatter is found by name among the loaded
/// assemblies, so no code here or in the notebooks compiles against the kernel (that prints CS1701 warnings into cells).
/// </summary>
public static class KernelFormatting
{
    public const string FormattingAssembly = "Microsoft.DotNet.Interactive.Formatting";

    /// <summary>Registers both renderings; returns a one-line note for the cell's output.</summary>
    public static string RegisterCharts()
    {
        var assembly = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == FormattingAssembly)
            ?? throw new InvalidOperationException($"{FormattingAssembly} is not loaded: run this inside the .NET Interactive kernel.");
        var formatter = assembly.GetType(FormattingAssembly + ".Formatter", throwOnError: true)!;
        var register = formatter.GetMethod("Register", BindingFlags.Public | BindingFlags.Static,
                           [typeof(Type), typeof(Action<object, TextWriter>), typeof(string)])
            ?? throw new MissingMethodException(formatter.FullName, "Register(Type, Action<object, TextWriter>, string)");
        var preferred = formatter.GetMethod("SetPreferredMimeTypesFor", BindingFlags.Public | BindingFlags.Static, [typeof(Type), typeof(string[])])
            ?? throw new MissingMethodException(formatter.FullName, "SetPreferredMimeTypesFor(Type, string[])");

        register.Invoke(null, [typeof(Chart), (Action<object, TextWriter>)((chart, writer) => writer.Write(((Chart)chart).ToHtml())), "text/html"]);
        register.Invoke(null, [typeof(Chart), (Action<object, TextWriter>)((chart, writer) => writer.Write(((Chart)chart).ToSvg())), "image/svg+xml"]);
        preferred.Invoke(null, [typeof(Chart), new[] { "text/html", "image/svg+xml" }]);
        register.Invoke(null, [typeof(HtmlFragment), (Action<object, TextWriter>)((fragment, writer) => writer.Write(((HtmlFragment)fragment).Html)), "text/html"]);
        preferred.Invoke(null, [typeof(HtmlFragment), new[] { "text/html" }]);
        return $"charts: interactive with plotly.js {PlotlyPage.PlotlyVersion} (embedded, offline) + a static SVG";
    }
}
