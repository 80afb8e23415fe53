using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ImageCaptioning.Imaging;
using ImageCaptioning.Web.Problems;

namespace ImageCaptioning.Web.Flagging;

/// <summary>
/// Gradio-style manual flagging: each flagged example's image goes to <c>images/</c> under a
/// server-made name and one row is appended to <c>log.csv</c> (time, image file, caption, options, reason).
/// Only images that pass the upload checks are stored; text is cut to a sane length; the folder never grows past
/// its quota (507 once full).
/// </summary>
public sealed class FlagStore(string folder, ImageLimits limits, TimeProvider clock, long quotaBytes = long.MaxValue)
{
    public const string LogFileName = "log.csv";
    public const string ImagesFolderName = "images";
    public const int MaxTextLength = 500;
    private const string Header = "time_utc,image_file,caption,beam_width,max_length,reason";

    private readonly SemaphoreSlim _writeLock = new(1, 1); // rows from concurrent flags must not interleave
    private long _usedBytes = -1; // measured on the first save, then counted; guarded by _writeLock

    public string Folder { get; } = Path.GetFullPath(folder);

    public string LogPath => Path.Combine(Folder, LogFileName);

    public long QuotaBytes { get; } = quotaBytes;

    /// <exception cref="InvalidImageException">The image is empty, not an image, or over the limits.</exception>
    /// <exception cref="WebRequestException">507 when the folder's quota is used up or the disk refuses the write.</exception>
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
            bool isNew = !File.Exists(LogPath);
            string text = (isNew ? Header + "\n" : "") + row + "\n";
            long adding = image.Bytes.Length + Encoding.UTF8.GetByteCount(text);
            if (_usedBytes < 0)
                _usedBytes = FolderBytes();
            if (_usedBytes + adding > QuotaBytes)
                throw new WebRequestException(StatusCodes.Status507InsufficientStorage, ApiErrorCode.StorageFull,
                    $"The flag folder is full ({_usedBytes / 1048576.0:N1} MB of its {QuotaBytes / 1048576.0:N1} MB quota used); nothing was saved.");
            await File.WriteAllBytesAsync(Path.Combine(Folder, imageFile), image.Bytes, ct);
            await File.AppendAllTextAsync(LogPath, text, Encoding.UTF8, ct);
            _usedBytes += adding;
        }
        catch (IOException ex)
        {
            throw new WebRequestException(StatusCodes.Status507InsufficientStorage, ApiErrorCode.StorageFull,
                $"The flag could not be stored: {ex.Message}");
        }
        finally
        {
            _writeLock.Release();
        }
        return new FlagReceipt(id, imageFile);
    }

    private long FolderBytes() =>
        Directory.EnumerateFiles(Folder, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            .Sum(file => new FileInfo(file).Length);

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
