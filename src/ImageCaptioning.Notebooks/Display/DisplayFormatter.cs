using System.Collections;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using ImageCaptioning.Notebooks.Format;
using Plotly.NET;

namespace ImageCaptioning.Notebooks.Display;

/// <summary>
/// How <c>display(x)</c> and a cell's final value are shown, as a MIME bundle:
/// <list type="bullet">
/// <item>a Plotly.NET chart → <c>text/html</c> (plotly.js from its CDN + the chart's div and script) and a <c>text/plain</c> summary;</item>
/// <item><see cref="HtmlContent"/> → <c>text/html</c>;</item>
/// <item>PNG or JPEG bytes → <c>image/png</c> / <c>image/jpeg</c> (base64);</item>
/// <item>strings, numbers and other scalars → <c>text/plain</c> (numbers in the invariant culture);</item>
/// <item>collections → a <c>text/html</c> table (one row per item, one column per property) and a <c>text/plain</c> list;</item>
/// <item>anything else → <c>text/plain</c> from <c>ToString()</c>, plus a property table when ToString says nothing but the type name.</item>
/// </list>
/// </summary>
public static class DisplayFormatter
{
    /// <summary>Collections longer than this show their first items and a count.</summary>
    public const int MaxItems = 100;

    public static MimeBundle Format(object? value) => value switch
    {
        null => MimeBundle.FromText("<null>"),
        GenericChart chart => FormatChart(chart),
        HtmlContent html => new MimeBundle { { MimeBundle.Html, html.Html } },
        string text => MimeBundle.FromText(text),
        byte[] bytes when IsPng(bytes) => new MimeBundle { { MimeBundle.Png, Convert.ToBase64String(bytes) } },
        byte[] bytes when IsJpeg(bytes) => new MimeBundle { { MimeBundle.Jpeg, Convert.ToBase64String(bytes) } },
        _ when IsScalar(value) => MimeBundle.FromText(Scalar(value)),
        IEnumerable items => FormatCollection(items),
        _ => FormatObject(value),
    };

    private static MimeBundle FormatChart(GenericChart chart)
    {
        int traces = GenericChart.getTraces(chart).Length;
        return new MimeBundle
        {
            { MimeBundle.Html, PlotlyScript.CdnScriptTag + "\n" + GenericChart.toChartHTML(chart) },
            { MimeBundle.PlainText, $"Plotly chart ({traces} trace{(traces == 1 ? "" : "s")})" },
        };
    }

    private static MimeBundle FormatCollection(IEnumerable items)
    {
        var list = items.Cast<object?>().Take(MaxItems + 1).ToList();
        bool truncated = list.Count > MaxItems;
        if (truncated)
            list.RemoveAt(MaxItems);

        var plain = new StringBuilder();
        plain.Append('[').AppendJoin(", ", list.Select(PlainText)).Append(truncated ? ", …]" : "]");

        var columns = list.Count > 0 && list.All(item => item is not null && !IsScalar(item) && item is not string)
            ? Properties(list[0]!.GetType())
            : [];
        var html = new StringBuilder("<table class=\"nb-table\"><thead><tr><th>#</th>");
        if (columns.Length == 0)
            html.Append("<th>value</th>");
        foreach (var column in columns)
            html.Append("<th>").Append(WebUtility.HtmlEncode(column.Name)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        for (int i = 0; i < list.Count; i++)
        {
            html.Append("<tr><td>").Append(i).Append("</td>");
            if (columns.Length == 0)
                html.Append("<td>").Append(WebUtility.HtmlEncode(PlainText(list[i]))).Append("</td>");
            foreach (var column in columns)
                html.Append("<td>").Append(WebUtility.HtmlEncode(PlainText(ReadProperty(column, list[i])))).Append("</td>");
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
        if (truncated)
            html.Append($"<p>(first {MaxItems} items shown)</p>");
        return new MimeBundle { { MimeBundle.Html, html.ToString() }, { MimeBundle.PlainText, plain.ToString() } };
    }

    private static MimeBundle FormatObject(object value)
    {
        string text = value.ToString() ?? "";
        var bundle = MimeBundle.FromText(text);
        if (text == value.GetType().ToString() && Properties(value.GetType()) is { Length: > 0 } properties)
        {
            var html = new StringBuilder("<table class=\"nb-table\"><tbody>");
            foreach (var property in properties)
                html.Append("<tr><th>").Append(WebUtility.HtmlEncode(property.Name)).Append("</th><td>")
                    .Append(WebUtility.HtmlEncode(PlainText(ReadProperty(property, value)))).Append("</td></tr>");
            bundle.Add(MimeBundle.Html, html.Append("</tbody></table>").ToString());
        }
        return bundle;
    }

    /// <summary>Public readable instance properties, or for tuples their fields (Item1, Item2, … or the names given).</summary>
    private static MemberInfo[] Properties(Type type)
    {
        if (type.IsGenericType && type.FullName!.StartsWith("System.ValueTuple", StringComparison.Ordinal))
            return type.GetFields(BindingFlags.Public | BindingFlags.Instance);
        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
            .ToArray<MemberInfo>();
    }

    private static object? ReadProperty(MemberInfo member, object? owner)
    {
        try
        {
            return member switch
            {
                PropertyInfo p => p.GetValue(owner),
                FieldInfo f => f.GetValue(owner),
                _ => null,
            };
        }
        catch (TargetInvocationException ex)
        {
            return $"({ex.InnerException?.GetType().Name})";
        }
    }

    private static string PlainText(object? value) => value switch
    {
        null => "<null>",
        string s => s,
        _ when IsScalar(value) => Scalar(value),
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Take(10).Select(PlainText)) + "]",
        _ => value.ToString() ?? "",
    };

    private static bool IsScalar(object value) =>
        value is IFormattable or bool or char || value.GetType().IsPrimitive || value.GetType().IsEnum;

    private static string Scalar(object value) => value switch
    {
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        bool b => b ? "True" : "False",
        _ => value.ToString() ?? "",
    };

    private static bool IsPng(byte[] bytes) => bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G']);

    private static bool IsJpeg(byte[] bytes) => bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]);
}
