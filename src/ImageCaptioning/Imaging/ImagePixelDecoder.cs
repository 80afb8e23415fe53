using SkiaSharp;

namespace ImageCaptioning.Imaging;

/// <summary>
/// Decodes a <see cref="ValidatedImage"/> into the encoder's input layout: planar RGB floats in
/// 0..255, shape [3, side, side] (CHW). It reproduces ML.NET's LoadImages → ResizeImages(Fill) →
/// ExtractPixels(interleave: false, RGB, scale 1, offset 0) step by step with the same SkiaSharp
/// calls, so both encoder paths see identical pixels:
/// <list type="bullet">
/// <item>decode as <c>SKBitmap.Decode</c> does (codec's own colour type, premultiplied alpha, no colour space);</item>
/// <item>convert anything other than BGRA/RGBA 8888 to BGRA 8888, as <c>MLImage</c> does;</item>
/// <item>resize with nearest neighbour (<see cref="ImageResampling.MatchMlNet"/>) unless already the right size.</item>
/// </list>
/// Unlike <c>SKBitmap.Decode</c> it refuses truncated data instead of returning a half-grey picture.
/// <see cref="DecodeCoveringSquaresChw"/> gives a second, undistorted view for the ImageNet classifier alone (guided decoding's tags).
/// </summary>
public static class ImagePixelDecoder
{
    /// <summary>Writes the pixels of <paramref name="image"/> into <paramref name="chw"/> (length 3 × side × side).</summary>
    /// <exception cref="InvalidImageException">The data cannot be decoded (<see cref="InvalidImageReason.Corrupt"/>).</exception>
    public static void DecodeChw(ValidatedImage image, int side, ImageResampling resampling, Span<float> chw)
    {
        if (chw.Length != 3 * side * side)
            throw new ArgumentException($"Destination must hold 3×{side}×{side} floats, not {chw.Length}.", nameof(chw));

        using var rgba = DecodeRgba(image);
        if (rgba.Bitmap.Width == side && rgba.Bitmap.Height == side)
        {
            CopyPlanes(rgba.Bitmap, chw);
            return;
        }
        var quality = resampling == ImageResampling.Smooth ? SKFilterQuality.High : SKFilterQuality.None;
        using SKBitmap resized = rgba.Bitmap.Resize(new SKSizeI(side, side), quality)
            ?? throw Corrupt(image, $"it could not be resized to {side}×{side}");
        CopyPlanes(resized, chw);
    }

    /// <summary>The most squares <see cref="CoveringSquares"/> returns.</summary>
    public const int MaxCoveringSquares = 3;

    /// <summary>
    /// The squares, as large as the image's shorter side, that together cover a <paramref name="width"/> × <paramref name="height"/>
    /// image: the image itself when it is square, else three — left, centre, right (top, centre, bottom for a portrait image).
    /// </summary>
    public static (int X, int Y, int Side)[] CoveringSquares(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        int side = Math.Min(width, height), slack = Math.Max(width, height) - side;
        if (slack == 0) return [(0, 0, side)];
        int[] offsets = [0, slack / 2, slack];
        return width > height ? [.. offsets.Select(x => (x, 0, side))] : [.. offsets.Select(y => (0, y, side))];
    }

    /// <summary>
    /// Writes each of the <see cref="CoveringSquares"/> of <paramref name="image"/>, scaled to side × side with the smooth
    /// filter (<see cref="ImageResampling.Smooth"/>), into <paramref name="chw"/> as [squares, 3, side, side], and returns how
    /// many it wrote. Unlike <see cref="DecodeChw"/>, which stretches the whole image to a square, this keeps its proportions.
    /// </summary>
    /// <param name="chw">Room for <see cref="MaxCoveringSquares"/> images: 3 × 3 × side × side floats.</param>
    /// <exception cref="InvalidImageException">The data cannot be decoded (<see cref="InvalidImageReason.Corrupt"/>).</exception>
    public static int DecodeCoveringSquaresChw(ValidatedImage image, int side, Span<float> chw)
    {
        int planes = 3 * side * side;
        if (chw.Length != MaxCoveringSquares * planes)
            throw new ArgumentException($"Destination must hold {MaxCoveringSquares}×3×{side}×{side} floats, not {chw.Length}.", nameof(chw));

        using var rgba = DecodeRgba(image);
        SKBitmap bitmap = rgba.Bitmap;
        var squares = CoveringSquares(bitmap.Width, bitmap.Height);
        for (int i = 0; i < squares.Length; i++)
        {
            var (x, y, size) = squares[i];
            using var view = new SKBitmap(); // shares the image's pixels; the copy below owns its own, rows packed
            if (!bitmap.ExtractSubset(view, new SKRectI(x, y, x + size, y + size)))
                throw Corrupt(image, $"its square at ({x}, {y}) could not be cut out");
            using SKBitmap square = view.Copy() ?? throw Corrupt(image, $"its square at ({x}, {y}) could not be copied");
            Span<float> destination = chw.Slice(i * planes, planes);
            if (size == side)
            {
                CopyPlanes(square, destination);
                continue;
            }
            using SKBitmap resized = square.Resize(new SKSizeI(side, side), SKFilterQuality.High)
                ?? throw Corrupt(image, $"its square could not be resized to {side}×{side}");
            CopyPlanes(resized, destination);
        }
        return squares.Length;
    }

    /// <summary>The decoded image as BGRA/RGBA 8888 (converted when the codec gives another format), as <c>MLImage</c> holds it.</summary>
    private static RgbaBitmap DecodeRgba(ValidatedImage image)
    {
        SKBitmap decoded = Decode(image);
        if (decoded.ColorType is SKColorType.Bgra8888 or SKColorType.Rgba8888)
            return new RgbaBitmap(decoded);
        try
        {
            return new RgbaBitmap(decoded.Copy(SKColorType.Bgra8888) ?? throw Corrupt(image, "its pixel format cannot be converted to RGB"));
        }
        finally
        {
            decoded.Dispose();
        }
    }

    private readonly record struct RgbaBitmap(SKBitmap Bitmap) : IDisposable
    {
        public void Dispose() => Bitmap.Dispose();
    }

    private static unsafe SKBitmap Decode(ValidatedImage image)
    {
        // The codec reads the encoded bytes where they are (pinned until it is disposed), not from a copy.
        fixed (byte* encoded = image.Bytes.Span)
        {
            using var data = SKData.Create((IntPtr)encoded, image.Bytes.Length);
            return Decode(image, data);
        }
    }

    private static SKBitmap Decode(ValidatedImage image, SKData data)
    {
        using var codec = SKCodec.Create(data)
            ?? throw Corrupt(image, $"SkiaSharp cannot read its {image.Header.Format} data");
        SKImageInfo info = codec.Info;
        // Same adjustments as SKBitmap.Decode, which ML.NET's MLImage uses.
        if (info.AlphaType == SKAlphaType.Unpremul)
            info.AlphaType = SKAlphaType.Premul;
        info.ColorSpace = null;
        if ((long)info.Width * info.Height != image.Header.Pixels)
            throw Corrupt(image, $"its header says {image.Header.Width}×{image.Header.Height} but the decoder sees {info.Width}×{info.Height}");

        var bitmap = new SKBitmap(info);
        SKCodecResult result = codec.GetPixels(info, bitmap.GetPixels());
        if (result == SKCodecResult.Success)
            return bitmap;
        bitmap.Dispose();
        throw result == SKCodecResult.IncompleteInput
            ? new InvalidImageException(InvalidImageReason.Corrupt, $"{image.Source} is truncated: its {image.Header.Format} data ends before the last pixel row.")
            : Corrupt(image, $"decoding its {image.Header.Format} data failed ({result})");
    }

    /// <summary>BGRA/RGBA 8888 interleaved → three planes R, G, B (the encoder's CHW layout).</summary>
    private static void CopyPlanes(SKBitmap bitmap, Span<float> chw)
    {
        int plane = bitmap.Width * bitmap.Height;
        ReadOnlySpan<byte> pixels = bitmap.GetPixelSpan();
        bool bgra = bitmap.ColorType == SKColorType.Bgra8888;
        int redOffset = bgra ? 2 : 0, blueOffset = bgra ? 0 : 2;
        Span<float> red = chw[..plane], green = chw.Slice(plane, plane), blue = chw.Slice(2 * plane, plane);
        int rowBytes = bitmap.RowBytes;
        int width = bitmap.Width;
        for (int y = 0; y < bitmap.Height; y++)
        {
            ReadOnlySpan<byte> row = pixels.Slice(y * rowBytes, width * 4);
            int o = y * width;
            for (int x = 0; x < width; x++)
            {
                red[o + x] = row[4 * x + redOffset];
                green[o + x] = row[4 * x + 1];
                blue[o + x] = row[4 * x + blueOffset];
            }
        }
    }

    private static InvalidImageException Corrupt(ValidatedImage image, string why) =>
        new(InvalidImageReason.Corrupt, $"{image.Source} cannot be decoded: {why}.");
}
