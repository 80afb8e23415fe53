using SkiaSharp;

namespace ImageCaptioning.Tests.OutOfDistribution;

/// <summary>
/// Images that are plainly not Flickr photos, drawn here with SkiaSharp (so nothing is downloaded or committed):
/// noise, rendered text, diagrams, charts, a sky chart, synthetic patterns. 224×224 PNG, fixed seeds.
/// </summary>
internal static class NonPhotoImages
{
    private const int Side = 224;

    public static IEnumerable<(string Name, byte[] Png)> All()
    {
        yield return ("colour noise", Draw(canvas => Noise(canvas, seed: 1, grey: false)));
        yield return ("grey noise", Draw(canvas => Noise(canvas, seed: 2, grey: true)));
        yield return ("text page", Draw(TextPage));
        yield return ("bar chart", Draw(BarChart));
        yield return ("flow chart", Draw(FlowChart));
        yield return ("sky chart", Draw(SkyChart));
        yield return ("line plot", Draw(LinePlot));
        yield return ("checkerboard", Draw(Checkerboard));
        yield return ("colour gradient", Draw(Gradient));
        yield return ("table grid", Draw(TableGrid));
        yield return ("random blocks", Draw(RandomBlocks));
        yield return ("concentric circles", Draw(Circles));
    }

    private static byte[] Draw(Action<SKCanvas> paint)
    {
        using var bitmap = new SKBitmap(Side, Side, SKColorType.Rgba8888, SKAlphaType.Premul);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            paint(canvas);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static SKPaint Stroke(SKColor color, float width = 2) =>
        new() { Color = color, StrokeWidth = width, Style = SKPaintStyle.Stroke, IsAntialias = true };

    private static SKPaint Fill(SKColor color) => new() { Color = color, Style = SKPaintStyle.Fill, IsAntialias = true };

    private static void Text(SKCanvas canvas, string text, float x, float y, float size, SKColor color)
    {
        using var font = new SKFont(SKTypeface.Default, size);
        using var paint = Fill(color);
        canvas.DrawText(text, x, y, font, paint);
    }

    private static void Noise(SKCanvas canvas, int seed, bool grey)
    {
        var rng = new Random(seed);
        using var paint = new SKPaint();
        for (int y = 0; y < Side; y += 2)
        for (int x = 0; x < Side; x += 2)
        {
            byte r = (byte)rng.Next(256), g = grey ? r : (byte)rng.Next(256), b = grey ? r : (byte)rng.Next(256);
            paint.Color = new SKColor(r, g, b);
            canvas.DrawRect(x, y, 2, 2, paint);
        }
    }

    private static void TextPage(SKCanvas canvas)
    {
        string[] lines =
        [
            "Abstract. We study the", "convergence of stochastic", "gradient methods under", "weak assumptions on the",
            "loss. Theorem 1 shows", "that the iterates reach", "a stationary point at", "rate O(1/sqrt T).",
            "1 Introduction", "Let f be L-smooth and", "bounded below; then",
        ];
        for (int i = 0; i < lines.Length; i++) Text(canvas, lines[i], 8, 20 + i * 19, 16, SKColors.Black);
    }

    private static void BarChart(SKCanvas canvas)
    {
        using var axis = Stroke(SKColors.Black);
        canvas.DrawLine(30, 200, 215, 200, axis);
        canvas.DrawLine(30, 200, 30, 15, axis);
        float[] heights = [120, 60, 160, 90, 140, 40];
        SKColor[] colours = [SKColors.SteelBlue, SKColors.Orange, SKColors.SeaGreen, SKColors.Crimson, SKColors.MediumPurple, SKColors.Goldenrod];
        for (int i = 0; i < heights.Length; i++)
        {
            using var bar = Fill(colours[i]);
            canvas.DrawRect(40 + i * 29, 200 - heights[i], 22, heights[i], bar);
            Text(canvas, $"Q{i + 1}", 40 + i * 29, 216, 11, SKColors.Black);
        }
        for (int tick = 0; tick <= 4; tick++) Text(canvas, $"{tick * 40}", 2, 204 - tick * 40, 10, SKColors.Black);
    }

    private static void FlowChart(SKCanvas canvas)
    {
        using var line = Stroke(SKColors.Black);
        using var box = Fill(new SKColor(220, 235, 255));
        string[] labels = ["start", "read input", "valid?", "process", "end"];
        for (int i = 0; i < labels.Length; i++)
        {
            var rect = new SKRect(50, 8 + i * 43, 174, 38 + i * 43);
            canvas.DrawRoundRect(rect, 6, 6, box);
            canvas.DrawRoundRect(rect, 6, 6, line);
            Text(canvas, labels[i], 62, 29 + i * 43, 14, SKColors.Black);
            if (i > 0) canvas.DrawLine(112, rect.Top - 13, 112, rect.Top, line);
        }
        canvas.DrawLine(174, 109, 205, 109, line);
        canvas.DrawLine(205, 109, 205, 66, line);
        canvas.DrawLine(205, 66, 174, 66, line);
        Text(canvas, "no", 180, 102, 11, SKColors.Black);
    }

    private static void SkyChart(SKCanvas canvas)
    {
        canvas.Clear(new SKColor(5, 8, 30));
        var rng = new Random(3);
        using var star = Fill(SKColors.White);
        var points = new List<SKPoint>();
        for (int i = 0; i < 160; i++)
        {
            var p = new SKPoint(rng.NextSingle() * Side, rng.NextSingle() * Side);
            points.Add(p);
            canvas.DrawCircle(p, 0.5f + 2.5f * MathF.Pow(rng.NextSingle(), 4), star);
        }
        using var constellation = Stroke(new SKColor(120, 160, 255), 1);
        for (int i = 0; i < 12; i++) canvas.DrawLine(points[i], points[i + 1], constellation);
        using var grid = Stroke(new SKColor(80, 80, 120), 1);
        canvas.DrawCircle(112, 112, 100, grid);
        canvas.DrawCircle(112, 112, 60, grid);
        Text(canvas, "ORION", 20, 30, 12, new SKColor(180, 200, 255));
        Text(canvas, "Betelgeuse", 120, 180, 10, new SKColor(180, 200, 255));
    }

    private static void LinePlot(SKCanvas canvas)
    {
        using var gridLine = Stroke(new SKColor(220, 220, 220), 1);
        for (int i = 0; i <= Side; i += 28)
        {
            canvas.DrawLine(i, 0, i, Side, gridLine);
            canvas.DrawLine(0, i, Side, i, gridLine);
        }
        SKColor[] colours = [SKColors.Blue, SKColors.Red, SKColors.Green];
        for (int c = 0; c < colours.Length; c++)
        {
            using var curve = Stroke(colours[c]);
            using var path = new SKPath();
            for (int x = 0; x < Side; x++)
            {
                float y = 112 - 70 * MathF.Sin(x / 20f + c) * MathF.Exp(-x / 300f * c);
                if (x == 0) path.MoveTo(x, y); else path.LineTo(x, y);
            }
            canvas.DrawPath(path, curve);
        }
    }

    private static void Checkerboard(SKCanvas canvas)
    {
        using var black = Fill(SKColors.Black);
        for (int y = 0; y < 8; y++)
        for (int x = 0; x < 8; x++)
            if ((x + y) % 2 == 0) canvas.DrawRect(x * 28, y * 28, 28, 28, black);
    }

    private static void Gradient(SKCanvas canvas)
    {
        using var paint = new SKPaint
        {
            Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(Side, Side),
                [SKColors.Magenta, SKColors.Yellow, SKColors.Cyan], SKShaderTileMode.Clamp),
        };
        canvas.DrawRect(0, 0, Side, Side, paint);
    }

    private static void TableGrid(SKCanvas canvas)
    {
        using var line = Stroke(SKColors.Black, 1);
        for (int row = 0; row <= 10; row++) canvas.DrawLine(10, 10 + row * 20, 214, 10 + row * 20, line);
        for (int col = 0; col <= 4; col++) canvas.DrawLine(10 + col * 51, 10, 10 + col * 51, 210, line);
        var rng = new Random(4);
        for (int row = 0; row < 10; row++)
        for (int col = 0; col < 4; col++)
            Text(canvas, row == 0 ? $"col {col}" : $"{rng.Next(1000)}", 14 + col * 51, 25 + row * 20, 11, SKColors.Black);
    }

    private static void RandomBlocks(SKCanvas canvas)
    {
        var rng = new Random(5);
        using var black = Fill(SKColors.Black);
        for (int y = 0; y < 25; y++)
        for (int x = 0; x < 25; x++)
            if (rng.Next(2) == 0) canvas.DrawRect(12 + x * 8, 12 + y * 8, 8, 8, black);
    }

    private static void Circles(SKCanvas canvas)
    {
        for (int r = 110; r > 0; r -= 10)
        {
            using var ring = Fill(r / 10 % 2 == 0 ? SKColors.Red : SKColors.White);
            canvas.DrawCircle(112, 112, r, ring);
        }
    }
}
