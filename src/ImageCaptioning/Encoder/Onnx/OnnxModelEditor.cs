using Google.Protobuf;

namespace ImageCaptioning.Encoder.Onnx;

/// <summary>
/// Small, checked edits of an ONNX model held as protobuf (<see cref="ModelProto"/>): add constant
/// tensors, nodes and outputs, replace a graph input. Everything not touched — including fields our
/// trimmed onnx.proto does not declare — is written back byte for byte.
/// </summary>
internal sealed class OnnxModelEditor
{
    private OnnxModelEditor(ModelProto model) => Model = model;

    public ModelProto Model { get; }

    private GraphProto Graph => Model.Graph;

    public static OnnxModelEditor Parse(byte[] onnxBytes)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(onnxBytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidDataException("The file is not an ONNX model (protobuf parse failed).", ex);
        }
        if (model.Graph is null)
            throw new InvalidDataException("The ONNX model has no graph.");
        return new OnnxModelEditor(model);
    }

    public byte[] ToBytes() => Model.ToByteArray();

    /// <summary>True when a node output, an initializer or a graph input has this name.</summary>
    public bool HasValue(string name) =>
        Graph.Node.Any(n => n.Output.Contains(name))
        || Graph.Initializer.Any(t => t.Name == name)
        || Graph.Input.Any(i => i.Name == name);

    public ValueInfoProto GraphInput(string name) =>
        Graph.Input.SingleOrDefault(i => i.Name == name)
        ?? throw new InvalidDataException($"The ONNX graph has no input '{name}' (inputs: {string.Join(", ", Graph.Input.Select(i => i.Name))}).");

    public void RequireValue(string name)
    {
        if (!HasValue(name))
            throw new InvalidDataException($"The ONNX graph has no value named '{name}'.");
    }

    /// <summary>Adds a float constant (stored as raw little-endian bytes, as ONNX exporters do).</summary>
    public void AddFloatInitializer(string name, long[] dims, float[] values)
    {
        EnsureNewName(name);
        if (dims.Aggregate(1L, (a, b) => a * b) != values.Length)
            throw new ArgumentException($"Initializer '{name}': dims [{string.Join(",", dims)}] do not hold {values.Length} values.");
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        var raw = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
            BitConverter.TryWriteBytes(raw.AsSpan(i * sizeof(float)), values[i]); // little-endian on every .NET platform we run on
        tensor.RawData = ByteString.CopyFrom(raw);
        Graph.Initializer.Add(tensor);
    }

    /// <summary>
    /// Adds a node of the default ONNX domain. <paramref name="atStart"/> puts it before every
    /// existing node (for nodes that feed the original graph); otherwise it is appended, which keeps
    /// the node list topologically sorted as long as its inputs already exist.
    /// </summary>
    public void AddNode(string opType, string name, IEnumerable<string> inputs, string output, bool atStart = false)
    {
        EnsureNewName(output);
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        if (atStart)
            Graph.Node.Insert(0, node);
        else
            Graph.Node.Add(node);
    }

    /// <summary>Declares a float graph output; a dimension is a <see cref="long"/> size or a <see cref="string"/> symbol.</summary>
    public void AddFloatOutput(string name, params object[] dims)
    {
        RequireValue(name);
        Graph.Output.Add(FloatValueInfo(name, dims));
    }

    /// <summary>
    /// Replaces graph input <paramref name="oldName"/> by a new float input; the old name becomes an
    /// internal value that an added node must produce.
    /// </summary>
    public void ReplaceInput(string oldName, string newName, params object[] dims)
    {
        ValueInfoProto old = GraphInput(oldName);
        EnsureNewName(newName);
        int index = Graph.Input.IndexOf(old);
        Graph.Input[index] = FloatValueInfo(newName, dims);
    }

    public string? GetMetadata(string key) => Model.MetadataProps.FirstOrDefault(p => p.Key == key)?.Value;

    public void SetMetadata(string key, string value)
    {
        var existing = Model.MetadataProps.FirstOrDefault(p => p.Key == key);
        if (existing is not null)
            existing.Value = value;
        else
            Model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
    }

    private void EnsureNewName(string name)
    {
        if (HasValue(name))
            throw new InvalidOperationException($"The ONNX graph already has a value named '{name}'.");
    }

    private static ValueInfoProto FloatValueInfo(string name, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (object dim in dims)
        {
            shape.Dim.Add(dim switch
            {
                long size => new TensorShapeProto.Types.Dimension { DimValue = size },
                int size => new TensorShapeProto.Types.Dimension { DimValue = size },
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                _ => throw new ArgumentException($"A dimension is a size or a symbol, not {dim.GetType().Name}."),
            });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
