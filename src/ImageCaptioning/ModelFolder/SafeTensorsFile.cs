using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImageCaptioning.Model;

namespace ImageCaptioning.ModelFolder;

/// <summary>
/// Reads and writes the <see href="https://github.com/huggingface/safetensors">safetensors</see> format:
/// an 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape and byte range,
/// then the raw little-endian data. We write F32 or F16 and read either.
/// </summary>
public static class SafeTensorsFile
{
    public enum StorageType { F32, F16 }

    private const long MaxHeaderBytes = 100 * 1024 * 1024;

    /// <summary>Writes <paramref name="tensors"/> (name, data, shape) in the given storage type.</summary>
    public static void Write(string path, IEnumerable<(string Name, float[] Data, int[] Shape)> tensors,
        StorageType storage = StorageType.F32, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        int elementSize = storage == StorageType.F32 ? 4 : 2;
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
            header["__metadata__"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        long offset = 0;
        foreach (var (name, data, shape) in list)
        {
            long end = offset + (long)data.Length * elementSize;
            header[name] = new JsonObject
            {
                ["dtype"] = storage.ToString(),
                ["shape"] = new JsonArray(shape.Select(s => (JsonNode?)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, end),
            };
            offset = end;
        }
        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8; // the format allows trailing spaces; 8-byte alignment helps mmap readers
        using var stream = new FileStream(path + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        Span<byte> lengthBytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(lengthBytes, (ulong)padded);
        stream.Write(lengthBytes);
        stream.Write(json);
        for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
        foreach (var (_, data, _) in list)
        {
            if (storage == StorageType.F32)
                stream.Write(MemoryMarshal.AsBytes(data.AsSpan()));
            else
            {
                var halves = new Half[data.Length];
                for (int i = 0; i < data.Length; i++) halves[i] = (Half)data[i];
                stream.Write(MemoryMarshal.AsBytes(halves.AsSpan()));
            }
        }
        stream.Close();
        File.Move(path + ".tmp", path, overwrite: true); // never leave a half-written weights file under the real name
    }

    /// <summary>A tensor read from a file, always widened to float32.</summary>
    public sealed record Entry(string Name, string DType, int[] Shape, float[] Data);

    /// <summary>Reads every tensor; throws <see cref="ModelFormatException"/> on a truncated or malformed file.</summary>
    public static Dictionary<string, Entry> Read(string path)
    {
        if (!File.Exists(path))
            throw new ModelFormatException($"Weights file not found: '{path}'.");
        byte[] bytes = File.ReadAllBytes(path);
        string file = Path.GetFileName(path);
        if (bytes.Length < 8)
            throw new ModelFormatException($"'{file}' is truncated: {bytes.Length} bytes, not even a safetensors header.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || 8 + (long)headerLength > bytes.Length)
            throw new ModelFormatException($"'{file}' is not a safetensors file or is truncated (header length {headerLength}, file {bytes.Length} bytes).");
        JsonObject header;
        try
        {
            header = JsonNode.Parse(bytes.AsSpan(8, (int)headerLength)) as JsonObject
                ?? throw new ModelFormatException($"'{file}': the header is not a JSON object.");
        }
        catch (JsonException ex) { throw new ModelFormatException($"'{file}': the header is not valid JSON ({ex.Message})."); }

        long dataStart = 8 + (long)headerLength;
        var result = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__") continue;
            try
            {
                string dtype = node!["dtype"]!.GetValue<string>();
                int[] shape = node["shape"]!.AsArray().Select(s => s!.GetValue<int>()).ToArray();
                var offsets = node["data_offsets"]!.AsArray();
                long begin = offsets[0]!.GetValue<long>(), end = offsets[1]!.GetValue<long>();
                long count = shape.Aggregate(1L, (x, y) => x * y);
                int elementSize = dtype switch
                {
                    "F32" => 4,
                    "F16" => 2,
                    _ => throw new ModelFormatException($"'{file}': tensor '{name}' has dtype {dtype}; only F32 and F16 are supported."),
                };
                if (end - begin != count * elementSize || begin < 0 || dataStart + end > bytes.Length)
                    throw new ModelFormatException(
                        $"'{file}': tensor '{name}' ({dtype} {string.Join('×', shape)}) does not fit the file: bytes {begin}..{end} of {bytes.Length - dataStart} (truncated or corrupt).");
                var span = bytes.AsSpan((int)(dataStart + begin), (int)(end - begin));
                var data = new float[count];
                if (elementSize == 4)
                    MemoryMarshal.Cast<byte, float>(span).CopyTo(data);
                else
                {
                    var halves = MemoryMarshal.Cast<byte, Half>(span);
                    for (int i = 0; i < data.Length; i++) data[i] = (float)halves[i];
                }
                result[name] = new Entry(name, dtype, shape, data);
            }
            catch (Exception ex) when (ex is InvalidOperationException or NullReferenceException or FormatException)
            {
                throw new ModelFormatException($"'{file}': the header entry for '{name}' is malformed.");
            }
        }
        return result;
    }

    /// <summary>Reads <c>__metadata__</c> (empty when absent).</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        var json = new byte[BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes)];
        stream.ReadExactly(json);
        var meta = (JsonNode.Parse(json) as JsonObject)?["__metadata__"] as JsonObject;
        return meta?.ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? "") ?? new Dictionary<string, string>();
    }
}
