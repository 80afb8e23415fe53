using ImageCaptioning.Imaging;
using SkiaSharp;

namespace ImageCaptioning.Notebooks.Charts;

/// <summary>Photos and tensors as pictures a chart can draw (small JPEG data: URIs).</summary>
public static class Pictures
{
    /// <summary>The photo exactly as the encoder sees it: decoded and stretched to side × side like the ML.NET pipeline.</summary>
    public static ImageTrace EncoderView(string path, int side = 224)
    {
        var chw = new float[3 * side * side];   // [3, side, side], 0..255
        ImagePixelDecoder.DecodeChw(ValidatedImage.FromFile(path, ImageLimits.Default), side, ImageResampling.MatchMlNet, chw);
        return FromChw(chw, side);
    }

    /// <summary>A planar [3, side, side] tensor of 0..255 values as a picture.</summary>
    public static ImageTrace FromChw(float[] chw, int side)
    {
        int plane = side * side;
        if (chw.Length != 3 * plane)
            throw new ArgumentException($"Expected 3 × {side} × {side} = {3 * plane} values, got {chw.Length}.", nameof(chw));
        using var bitmap = new SKBitmap(side, side, SKColorType.Rgba8888, SKAlphaType.Opaque);
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
            {
                int i = y * side + x;
                bitmap.SetPixel(x, y, new SKColor(ToByte(chw[i]), ToByte(chw[plane + i]), ToByte(chw[2 * plane + i])));
            }
        using var jpeg = bitmap.Encode(SKEncodedImageFormat.Jpeg, 80);
        return new ImageTrace("data:image/jpeg;base64," + Convert.ToBase64String(jpeg.ToArray()), side, side);
    }

    private static byte ToByte(float v) => (byte)Math.Clamp(MathF.Round(v), 0, 255);
}
