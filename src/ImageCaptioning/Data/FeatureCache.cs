using System.IO.MemoryMappedFiles;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace ImageCaptioning.Data;

/// <summary>
/// Read-only, memory-mapped view of a feature cache (layout in <see cref="FeatureCacheLayout"/>): float16 7×7×1280
/// grids, one slot per image. <see cref="Open"/> reads only header, names and completion record, so a large cache costs
/// no managed memory; <see cref="CopyGrid"/> checks the slot's CRC, so damaged data is reported, never returned.
/// Thread-safe; the set of complete slots is fixed at <see cref="Open"/>.
/// </summary>
public sealed unsafe class FeatureCache : IDisposable
{
    private readonly FeatureCacheLayout _layout;
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly bool[] _complete;
    private int _disposed;

    private FeatureCache(string path, FeatureCacheLayout layout, MemoryMappedFile map, MemoryMappedViewAccessor view)
    {
        FilePath = path;
        _layout = layout;
        _map = map;
        _view = view;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _base = pointer + view.PointerOffset;

        _complete = layout.ReadCompletion(new ReadOnlySpan<byte>(_base + layout.RecordOffset, (int)layout.RecordLength), path);
        CompletedCount = _complete.Count(done => done);
    }

    /// <summary>The cache file.</summary>
    public string FilePath { get; }

    /// <summary>Number of slots (images), complete or not.</summary>
    public int Count => _layout.Count;

    /// <summary>Grid positions per image (49 = 7×7).</summary>
    public int Positions => _layout.Positions;

    /// <summary>Channels per position (1280).</summary>
    public int Channels => _layout.Channels;

    /// <summary>Every slot's image in slot order (index = slot), including slots not extracted yet.</summary>
    public IReadOnlyList<string> ImageNames => _layout.ImageNames;

    /// <summary>Lower-case hex SHA-256 of the encoder file the features come from.</summary>
    public string EncoderSha256 => _layout.EncoderSha256;

    /// <summary>Slots whose features are complete.</summary>
    public int CompletedCount { get; }

    /// <summary>Opens a cache read-only (works on a read-only file).</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="FeatureCacheFormatException">Not a cache, or damaged or truncated.</exception>
    public static FeatureCache Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The feature cache '{path}' does not exist: run the extract command first.", path);
        // FileShare.ReadWrite: `extract` may be filling other slots meanwhile; the slots complete at Open never change.
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.RandomAccess);
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            FeatureCacheLayout layout = FeatureCacheLayout.Read(file.SafeFileHandle, path);
            map = MemoryMappedFile.CreateFromFile(file, mapName: null, capacity: 0, MemoryMappedFileAccess.Read,
                HandleInheritability.None, leaveOpen: false);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            return new FeatureCache(path, layout, map, view);
        }
        catch
        {
            view?.Dispose();
            if (map is not null) map.Dispose(); else file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The slot of <paramref name="imageName"/> when its features are complete; false when the image is not in
    /// the cache or has not been extracted yet (see <see cref="Contains"/>).
    /// </summary>
    public bool TryGetIndex(string imageName, out int index)
    {
        if (_layout.TryGetSlot(imageName, out index) && _complete[index])
            return true;
        index = -1;
        return false;
    }

    /// <summary>Whether <paramref name="imageName"/> has a slot, complete or not.</summary>
    public bool Contains(string imageName) => _layout.TryGetSlot(imageName, out _);

    /// <summary>Whether slot <paramref name="index"/> holds complete features.</summary>
    public bool IsComplete(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _complete[index];
    }

    /// <summary>
    /// Copies slot <paramref name="index"/>'s grid into <paramref name="destination"/> as float32,
    /// position-major [Positions × Channels]: element <c>p * Channels + c</c>.
    /// </summary>
    /// <exception cref="FeatureCacheException">The slot has not been extracted yet.</exception>
    /// <exception cref="FeatureCacheFormatException">The slot's data does not match its checksum.</exception>
    public void CopyGrid(int index, Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!IsComplete(index))
            throw new FeatureCacheException(FilePath,
                $"The feature cache '{FilePath}' has no features for '{ImageNames[index]}' yet: run extract for the split that contains it.");
        int elements = Positions * Channels;
        if (destination.Length != elements)
            throw new ArgumentException($"The destination must hold {Positions}×{Channels} = {elements} floats, not {destination.Length}.", nameof(destination));

        var slot = new ReadOnlySpan<byte>(_base + _layout.SlotOffset(index), (int)_layout.SlotBytes);
        if (Crc32C.Compute(slot) != RecordEntry(index).Checksum)
            throw new FeatureCacheFormatException(FilePath,
                $"is damaged: the features of '{ImageNames[index]}' do not match their checksum. Rebuild it with extract --force.");
        TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(slot), destination);
    }

    private (uint Marker, uint Checksum) RecordEntry(int index) =>
        FeatureCacheLayout.ReadRecordEntry(new ReadOnlySpan<byte>(_base + _layout.RecordEntryOffset(index), FeatureCacheLayout.RecordEntrySize));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
