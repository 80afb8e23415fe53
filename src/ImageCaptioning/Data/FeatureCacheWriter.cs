using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using ImageCaptioning.Encoder;
using Microsoft.Win32.SafeHandles;

namespace ImageCaptioning.Data;

/// <summary>
/// Creates a feature cache or resumes one a killed run left behind. <see cref="Write"/> stores a grid as float16;
/// <see cref="Commit"/> (the checkpoint, also run on dispose) flushes the data before marking those slots complete, so a
/// crash loses at most the uncommitted slots and never marks stale data complete. One writer per file.
/// </summary>
public sealed class FeatureCacheWriter : IDisposable
{
    private readonly FeatureCacheLayout _layout;
    private readonly FileStream _file;
    private readonly SafeFileHandle _handle;
    private readonly bool[] _complete;
    private readonly List<(int Index, uint Checksum)> _pending = [];
    private readonly byte[] _slotBuffer;
    private bool _disposed;

    private FeatureCacheWriter(string path, FeatureCacheLayout layout, FileStream file, bool[] complete, bool resumed)
    {
        FilePath = path;
        _layout = layout;
        _file = file;
        _handle = file.SafeFileHandle;
        _complete = complete;
        Resumed = resumed;
        CompletedCount = complete.Count(done => done);
        _slotBuffer = new byte[layout.SlotBytes];
    }

    /// <summary>The cache file.</summary>
    public string FilePath { get; }

    /// <summary>Number of slots (images) in the cache.</summary>
    public int Count => _layout.Count;

    /// <summary>True when an existing file was reopened rather than created.</summary>
    public bool Resumed { get; }

    /// <summary>Slots marked complete on disk (pending writes are not counted until <see cref="Commit"/>).</summary>
    public int CompletedCount { get; private set; }

    /// <summary>Slots written since the last <see cref="Commit"/>.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>Whether the features of <paramref name="imageName"/> are complete on disk.</summary>
    public bool IsComplete(string imageName) => _layout.TryGetSlot(imageName, out int index) && _complete[index];

    /// <summary>
    /// Opens <paramref name="path"/> to continue filling it, or creates it when it does not exist (or when
    /// <paramref name="overwrite"/>). An existing file must have been made for exactly the same image list,
    /// encoder and grid shape; otherwise it is left untouched and a <see cref="FeatureCacheMismatchException"/> says why.
    /// </summary>
    /// <param name="imageNames">The slots, in order: every image the cache will ever hold (unique, non-empty).</param>
    /// <param name="encoderSha256">Lower-case hex SHA-256 of the encoder file.</param>
    /// <exception cref="FeatureCacheMismatchException">The existing file belongs to another encoder or image list.</exception>
    /// <exception cref="FeatureCacheFormatException">The existing file is not a cache, or is damaged or truncated.</exception>
    public static FeatureCacheWriter CreateOrResume(string path, IReadOnlyList<string> imageNames, string encoderSha256,
        int positions = EncoderGeometry.Positions, int channels = EncoderGeometry.Channels, bool overwrite = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        path = Path.GetFullPath(path);
        FeatureCacheLayout wanted = FeatureCacheLayout.Create(imageNames, encoderSha256, positions, channels);
        bool resumed = File.Exists(path) && !overwrite;
        if (!resumed)
            CreateFile(path, wanted);

        var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0, FileOptions.RandomAccess);
        try
        {
            FeatureCacheLayout existing = FeatureCacheLayout.Read(file.SafeFileHandle, path);
            RequireSameContents(path, existing, wanted);
            bool[] complete = ReadCompletion(file.SafeFileHandle, existing, path);
            return new FeatureCacheWriter(path, existing, file, complete, resumed);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Stores the grid of <paramref name="imageName"/> (position-major [Positions × Channels], converted to float16).
    /// It becomes visible to readers at the next <see cref="Commit"/>.
    /// </summary>
    public void Write(string imageName, ReadOnlySpan<float> grid)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_layout.TryGetSlot(imageName, out int index))
            throw new ArgumentException($"'{imageName}' has no slot in the feature cache '{FilePath}'.", nameof(imageName));
        if (grid.Length != _layout.Positions * _layout.Channels)
            throw new ArgumentException($"A grid holds {_layout.Positions}×{_layout.Channels} = {_layout.Positions * _layout.Channels} floats, not {grid.Length}.", nameof(grid));
        // A rewritten complete slot would stay marked complete with the old checksum until the next commit; rebuilds overwrite.
        if (_complete[index] || _pending.Exists(p => p.Index == index))
            throw new InvalidOperationException($"The features of '{imageName}' are already written to '{FilePath}'.");

        TensorPrimitives.ConvertToHalf(grid, MemoryMarshal.Cast<byte, Half>(_slotBuffer.AsSpan()));
        RandomAccess.Write(_handle, _slotBuffer, _layout.SlotOffset(index));
        _pending.Add((index, Crc32C.Compute(_slotBuffer)));
    }

    /// <summary>The checkpoint: data to disk first, then the completion record for the slots written since the last commit.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_pending.Count == 0)
            return;
        _file.Flush(flushToDisk: true);
        Span<byte> entry = stackalloc byte[FeatureCacheLayout.RecordEntrySize];
        foreach ((int index, uint checksum) in _pending)
        {
            FeatureCacheLayout.WriteRecordEntry(entry, FeatureCacheLayout.CompleteMarker, checksum);
            RandomAccess.Write(_handle, entry, _layout.RecordEntryOffset(index));
            _complete[index] = true;
        }
        _file.Flush(flushToDisk: true);
        CompletedCount += _pending.Count;
        _pending.Clear();
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        try
        {
            Commit();
        }
        finally
        {
            _disposed = true;
            _file.Dispose();
        }
    }

    /// <summary>Writes header, name table and an empty completion record to a temporary file, sizes it, then moves it into place.</summary>
    private static void CreateFile(string path, FeatureCacheLayout layout)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temporary = path + ".creating";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: 0))
        {
            // SetLength first: the data region stays a hole (no zeros written) and the record reads as zero = empty.
            file.SetLength(layout.FileLength);
            RandomAccess.Write(file.SafeFileHandle, layout.SerializeHeader(), 0);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    private static void RequireSameContents(string path, FeatureCacheLayout existing, FeatureCacheLayout wanted)
    {
        const string Remedy = "Rebuild it with --force or write to another file.";
        if (existing.EncoderSha256 != wanted.EncoderSha256)
            throw new FeatureCacheMismatchException(path,
                $"The feature cache '{path}' holds features of encoder {existing.EncoderSha256[..12]}…, not of the current encoder {wanted.EncoderSha256[..12]}…. {Remedy}");
        if (existing.Positions != wanted.Positions || existing.Channels != wanted.Channels)
            throw new FeatureCacheMismatchException(path,
                $"The feature cache '{path}' holds {existing.Positions}×{existing.Channels} grids, not {wanted.Positions}×{wanted.Channels}. {Remedy}");
        if (!existing.ImageNames.AsSpan().SequenceEqual(wanted.ImageNames))
        {
            int differs = Enumerable.Range(0, Math.Min(existing.Count, wanted.Count)).FirstOrDefault(i => existing.ImageNames[i] != wanted.ImageNames[i], -1);
            string detail = existing.Count != wanted.Count
                ? $"{existing.Count} images, not {wanted.Count}"
                : $"'{existing.ImageNames[differs]}' where '{wanted.ImageNames[differs]}' is expected (slot {differs})";
            throw new FeatureCacheMismatchException(path,
                $"The feature cache '{path}' was made for another image list ({detail}). {Remedy}");
        }
    }

    private static bool[] ReadCompletion(SafeFileHandle file, FeatureCacheLayout layout, string path)
    {
        var record = new byte[layout.RecordLength];
        RandomAccess.Read(file, record, layout.RecordOffset);
        return layout.ReadCompletion(record, path);
    }
}
