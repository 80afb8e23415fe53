using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ImageCaptioning.Imaging;

namespace ImageCaptioning.Web.Flagging;

/// <summary>
/// Gradio-style manual flagging: each flagged example's image goes to <c>images/</c> under a
/// server-made name and one row is appended to <c>log.csv</c> (time, image file, caption, options, reason).
/// Only images that pass the upload checks are stored; text is cut to a sane length.
/// </summary>
public sealed class FlagStore(string folder, ImageLimits limits, TimeProvider clock)
{
    public const string LogFileName = "log.csv";
    public const string ImagesFolderName = "images";
    public const int MaxTextLength = 500;
    private const string Header = "time_utc,image_file,caption,beam_width,max_length,reason";

    private readonly SemaphoreSlim _writeLock = new(1, 1); // rows from concurrent flags must not interleave

    public string Folder { get; } = Path.GetFullPath(folder);

    public string LogPath => Path.Combine(Folder, LogFileName);

    /// <exception cref="InvalidImageException">The image is empty, not an image, or over the limits.</exception>
    public async Task<FlagReceipt> SaveAsync(FlaggedExample example, CancellationToken ct)
    {
        var image = ValidatedImage.FromBytes(example.Image, limits, "the flagged image");
        DateTimeOffset now = clock.GetUtcNow();
        string id = $"{now:yyyyMMdd'T'HHmmss'Z'}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        string imageFile = $"{ImagesFolderName}/{id}{Extension(image.Header.Format)}";

        string row = string.Join(',',
            now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            imageFile,
            CsvField.Escape(Cut(example.Caption)),
            example.BeamWidth?.ToString(CultureInfo.InvariantCulture) ?? "",
            example.MaxLength?.ToString(CultureInfo.InvariantCulture) ?? "",
            CsvField.Escape(Cut(example.Reason ?? "")));

        await _writeLock.WaitAsync(ct);
        try
        {
            Directory.CreateDirectory(Path.Combine(Folder, ImagesFolderName));
            await File.WriteAllBytesAsync(Path.Combine(Folder, imageFile), image.Bytes, ct);
            bool isNew = !File.Exists(LogPath);
            await File.AppendAllTextAsync(LogPath, (isNew ? Header + "\n" : "") + row + "\n", Encoding.UTF8, ct);
        }
        finally
        {
            _writeLock.Release();
        }
        return new FlagReceipt(id, imageFile);
    }

    private static string Cut(string text) => text.Length <= MaxTextLength ? text : text[..MaxTextLength];

    private static string Extension(ImageFileFormat format) => format switch
    {
        ImageFileFormat.Jpeg => ".jpg",
        ImageFileFormat.Png => ".png",
        ImageFileFormat.Gif => ".gif",
        ImageFileFormat.Bmp => ".bmp",
        ImageFileFormat.WebP => ".webp",
        _ => ".bin",
    };
}
