using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace ImageCaptioning.Data;

/// <summary>
/// The on-disk layout of a feature cache (<c>*.f16bin</c>), shared by <see cref="FeatureCacheWriter"/> and
/// <see cref="FeatureCache"/>. All integers are little-endian.
/// <code>
/// offset  size  field
///      0     8  magic "ICFCACHE"
///      8     4  format version (1)
///     12     4  element type (1 = IEEE 754 binary16 / float16)
///     16     4  positions P (49 for a 7×7 grid)
///     20     4  channels C (1280)
///     24     4  slots N (images)
///     28     4  byte length L of the name table
///     32    64  SHA-256 of the encoder file, lower-case hex ASCII
///     96     8  data offset D
///    104     4  CRC-32C of bytes [0, 104) and of the name table (detects a damaged header)
///    108    20  zero
///    128     L  name table: N × (uint16 byte length, UTF-8 image name), slot order
///      R  N × 8  completion record, R = 128 + L rounded up to 8: per slot (uint32 marker, uint32 CRC-32C of the
///               slot's data); marker 0 = empty, 0x454E4F44 ("DONE") = complete
///      D  N × S  data, D = end of the record rounded up to 4096; slot i at D + i·S, S = P·C·2 bytes,
///               position-major: value (p, c) at element p·C + c
/// </code>
/// The file always has its full length D + N·S from creation on (a sparse file on most file systems), so a
/// shorter file is truncated. The header and name table never change after creation; only the completion
/// record and the data slots are written later.
/// </summary>
internal sealed class FeatureCacheLayout
{
    public const int HeaderSize = 128;
    public const int Version = 1;
    public const int ElementFloat16 = 1;
    public const uint CompleteMarker = 0x454E4F44; // "DONE"
    public const uint EmptyMarker = 0;
    public const int RecordEntrySize = 8;
    private const int DataAlignment = 4096;
    private const int HeaderChecksumOffset = 104;
    private static ReadOnlySpan<byte> Magic => "ICFCACHE"u8;
    private readonly Dictionary<string, int> _slotOf;

    private FeatureCacheLayout(int positions, int channels, string encoderSha256, string[] imageNames, int nameTableLength)
    {
        Positions = positions;
        Channels = channels;
        EncoderSha256 = encoderSha256;
        ImageNames = imageNames;
        _slotOf = new Dictionary<string, int>(imageNames.Length, StringComparer.Ordinal);
        for (int i = 0; i < imageNames.Length; i++)
            _slotOf.Add(imageNames[i], i);
        NameTableLength = nameTableLength;
        RecordOffset = AlignUp(HeaderSize + nameTableLength, RecordEntrySize);
        DataOffset = AlignUp(RecordOffset + (long)imageNames.Length * RecordEntrySize, DataAlignment);
        SlotBytes = (long)positions * channels * sizeof(ushort);
        FileLength = DataOffset + imageNames.Length * SlotBytes;
    }

    public int Positions { get; }
    public int Channels { get; }
    public int Count => ImageNames.Length;
    public string EncoderSha256 { get; }
    public string[] ImageNames { get; }
    public int NameTableLength { get; }
    public long RecordOffset { get; }
    public long DataOffset { get; }
    public long SlotBytes { get; }
    public long FileLength { get; }

    public long SlotOffset(int index) => DataOffset + index * SlotBytes;
    public long RecordLength => (long)Count * RecordEntrySize;
    public long RecordEntryOffset(int index) => RecordOffset + (long)index * RecordEntrySize;

    /// <summary>The slot of <paramref name="imageName"/>, complete or not; false when the cache has no such image.</summary>
    public bool TryGetSlot(string imageName, out int slot) => _slotOf.TryGetValue(imageName, out slot);

    /// <summary>A layout for a new cache; throws <see cref="ArgumentException"/> for arguments no file could hold.</summary>
    public static FeatureCacheLayout Create(IReadOnlyList<string> imageNames, string encoderSha256, int positions, int channels)
    {
        ArgumentNullException.ThrowIfNull(imageNames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(positions);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        if (!IsSha256Hex(encoderSha256))
            throw new ArgumentException($"'{encoderSha256}' is not a lower-case hex SHA-256.", nameof(encoderSha256));
        var unique = new HashSet<string>(StringComparer.Ordinal);
        long tableLength = 0;
        foreach (string name in imageNames)
        {
            if (string.IsNullOrEmpty(name))
                throw new ArgumentException("Image names must not be empty.", nameof(imageNames));
            if (!unique.Add(name))
                throw new ArgumentException($"Image name '{name}' appears twice.", nameof(imageNames));
            int bytes = Encoding.UTF8.GetByteCount(name);
            if (bytes > ushort.MaxValue)
                throw new ArgumentException($"Image name '{name[..40]}…' is longer than {ushort.MaxValue} bytes.", nameof(imageNames));
            tableLength += sizeof(ushort) + bytes;
        }
        if (tableLength > int.MaxValue / 2)
            throw new ArgumentException("Too many image names for one cache.", nameof(imageNames));
        return new FeatureCacheLayout(positions, channels, encoderSha256, [.. imageNames], (int)tableLength);
    }

    /// <summary>Header and name table, as written at offset 0.</summary>
    public byte[] SerializeHeader()
    {
        var bytes = new byte[HeaderSize + NameTableLength];
        Span<byte> header = bytes.AsSpan(0, HeaderSize);
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], ElementFloat16);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], Positions);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], Channels);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], Count);
        BinaryPrimitives.WriteInt32LittleEndian(header[28..], NameTableLength);
        Encoding.ASCII.GetBytes(EncoderSha256, header[32..96]);
        BinaryPrimitives.WriteInt64LittleEndian(header[96..], DataOffset);
        int at = HeaderSize;
        foreach (string name in ImageNames)
        {
            int length = Encoding.UTF8.GetBytes(name, bytes.AsSpan(at + sizeof(ushort)));
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), (ushort)length);
            at += sizeof(ushort) + length;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(header[HeaderChecksumOffset..], HeaderChecksum(bytes));
        return bytes;
    }

    /// <summary>Reads and checks the header, name table and file length of an open cache file.</summary>
    /// <exception cref="FeatureCacheFormatException">Not a cache, unsupported version, damaged or truncated.</exception>
    public static FeatureCacheLayout Read(SafeFileHandle file, string path)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("Feature caches are little-endian and are only read on little-endian machines.");
        long fileLength = RandomAccess.GetLength(file);
        var header = new byte[HeaderSize];
        if (fileLength < HeaderSize || RandomAccess.Read(file, header, 0) < HeaderSize)
            throw new FeatureCacheFormatException(path, $"is only {fileLength} bytes long, too short to be a feature cache (truncated?).");
        if (!header.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new FeatureCacheFormatException(path, "is not a feature cache (its first bytes are not \"ICFCACHE\").");
        int version = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8));
        if (version != Version)
            throw new FeatureCacheFormatException(path, $"has format version {version}; this program reads version {Version}. Run extract --force to rebuild it.");
        int elementType = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12));
        int positions = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(16));
        int channels = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(20));
        int count = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(24));
        int tableLength = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(28));
        if (elementType != ElementFloat16 || positions <= 0 || channels <= 0 || count < 0
            || tableLength < 0 || tableLength > fileLength - HeaderSize)
            throw new FeatureCacheFormatException(path, "has a damaged header (impossible sizes); delete it and run extract again.");

        var bytes = new byte[HeaderSize + tableLength];
        header.CopyTo(bytes, 0);
        if (RandomAccess.Read(file, bytes.AsSpan(HeaderSize), HeaderSize) < tableLength)
            throw new FeatureCacheFormatException(path, "ends inside its name table (truncated).");
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(HeaderChecksumOffset));
        if (stored != HeaderChecksum(bytes))
            throw new FeatureCacheFormatException(path, "has a damaged header or name table (checksum mismatch); delete it and run extract again.");

        string sha = Encoding.ASCII.GetString(header, 32, 64);
        string[] names = ParseNames(bytes.AsSpan(HeaderSize), count, path);
        var layout = new FeatureCacheLayout(positions, channels, sha, names, tableLength);
        long dataOffset = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(96));
        if (dataOffset != layout.DataOffset || !IsSha256Hex(sha))
            throw new FeatureCacheFormatException(path, "has a damaged header (inconsistent fields); delete it and run extract again.");
        if (fileLength != layout.FileLength)
            throw new FeatureCacheFormatException(path,
                $"is {fileLength:N0} bytes but its header says {layout.FileLength:N0} ({count} images × {positions}×{channels} float16): "
                + (fileLength < layout.FileLength ? "it was truncated" : "it has extra bytes") + "; delete it and run extract again.");
        return layout;
    }

    /// <summary>Which slots the completion record marks complete.</summary>
    /// <exception cref="FeatureCacheFormatException">A marker is neither empty nor complete.</exception>
    public bool[] ReadCompletion(ReadOnlySpan<byte> record, string path)
    {
        var complete = new bool[Count];
        for (int i = 0; i < Count; i++)
        {
            (uint marker, _) = ReadRecordEntry(record[(i * RecordEntrySize)..]);
            complete[i] = marker switch
            {
                CompleteMarker => true,
                EmptyMarker => false,
                _ => throw new FeatureCacheFormatException(path, $"has a damaged completion record (slot {i}); delete it and run extract again."),
            };
        }
        return complete;
    }

    /// <summary>Splits a completion-record entry into its marker and checksum.</summary>
    public static (uint Marker, uint Checksum) ReadRecordEntry(ReadOnlySpan<byte> entry) =>
        (BinaryPrimitives.ReadUInt32LittleEndian(entry), BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]));

    public static void WriteRecordEntry(Span<byte> entry, uint marker, uint checksum)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(entry, marker);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], checksum);
    }

    private static string[] ParseNames(ReadOnlySpan<byte> table, int count, string path)
    {
        var names = new string[count];
        var unique = new HashSet<string>(StringComparer.Ordinal);
        int at = 0;
        for (int i = 0; i < count; i++)
        {
            if (at + sizeof(ushort) > table.Length)
                throw new FeatureCacheFormatException(path, "has a damaged name table (it ends early).");
            int length = BinaryPrimitives.ReadUInt16LittleEndian(table[at..]);
            at += sizeof(ushort);
            if (length == 0 || at + length > table.Length)
                throw new FeatureCacheFormatException(path, "has a damaged name table (bad name length).");
            names[i] = Encoding.UTF8.GetString(table.Slice(at, length));
            if (!unique.Add(names[i]))
                throw new FeatureCacheFormatException(path, $"has a damaged name table ('{names[i]}' appears twice).");
            at += length;
        }
        if (at != table.Length)
            throw new FeatureCacheFormatException(path, "has a damaged name table (unexpected trailing bytes).");
        return names;
    }

    /// <summary>CRC-32C of the header up to the checksum field, continued over the name table.</summary>
    private static uint HeaderChecksum(ReadOnlySpan<byte> headerAndNames) =>
        Crc32C.Finish(Crc32C.Append(Crc32C.Append(Crc32C.Start, headerAndNames[..HeaderChecksumOffset]), headerAndNames[HeaderSize..]));

    private static bool IsSha256Hex(string? value) =>
        value is { Length: 64 } && !value.AsSpan().ContainsAnyExcept("0123456789abcdef");

    private static long AlignUp(long value, int alignment) => (value + alignment - 1) / alignment * alignment;
}
