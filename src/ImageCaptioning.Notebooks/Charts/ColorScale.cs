using System.Globalization;

namespace ImageCaptioning.Notebooks.Charts;

/// <summary>A colour ramp: stops at positions 0..1, linear in RGB between them (plotly.js's own interpolation).</summary>
public sealed record ColorScale(IReadOnlyList<(double At, string Color)> Stops)
{
    public static ColorScale Viridis { get; } = new([
        (0.0, "#440154"), (0.125, "#472d7b"), (0.25, "#3b528b"), (0.375, "#2c728e"), (0.5, "#21918c"),
        (0.625, "#28ae80"), (0.75, "#5ec962"), (0.875, "#addc30"), (1.0, "#fde725")]);

    /// <summary>Black → red → yellow → white: over a photo, dark hides what the model ignores, bright shows where it looks.</summary>
    public static ColorScale Hot { get; } = new([(0.0, "#000000"), (0.4, "#e62a00"), (0.75, "#ffd21f"), (1.0, "#ffffff")]);

    /// <summary>From black to one colour (a single image channel).</summary>
    public static ColorScale Ramp(string color) => new([(0.0, "#000000"), (1.0, color)]);

    /// <summary>The colour of a value t in 0..1 (clamped), as #rrggbb.</summary>
    public string At(double t)
    {
        t = double.IsNaN(t) ? 0 : Math.Clamp(t, 0, 1);
        for (int i = 1; i < Stops.Count; i++)
        {
            if (t > Stops[i].At && i < Stops.Count - 1)
                continue;
            var (a, ca) = Stops[i - 1];
            var (b, cb) = Stops[i];
            double f = b > a ? (t - a) / (b - a) : 0;
            var (r1, g1, b1) = Parse(ca);
            var (r2, g2, b2) = Parse(cb);
            return string.Create(CultureInfo.InvariantCulture,
                $"#{Mix(r1, r2, f):x2}{Mix(g1, g2, f):x2}{Mix(b1, b2, f):x2}");
        }
        return Stops[^1].Color;
    }

    private static int Mix(int a, int b, double f) => (int)Math.Round(a + (b - a) * Math.Clamp(f, 0, 1));

    private static (int R, int G, int B) Parse(string hex) =>
        (Convert.ToInt32(hex[1..3], 16), Convert.ToInt32(hex[3..5], 16), Convert.ToInt32(hex[5..7], 16));
}
