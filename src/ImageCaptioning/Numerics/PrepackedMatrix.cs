using System.Runtime.CompilerServices;

namespace ImageCaptioning.Numerics;

/// <summary>
/// A weight W [n×k] (the [out, in] layout, multiplied as op(B) = Wᵀ) packed once into the panels <see cref="PackedGemm"/>
/// would otherwise pack on every call. For inference on weights that no longer change: a batch's product of a few dozen
/// rows spends about as long re-packing a large weight as multiplying by it. The panels are the ones
/// <see cref="PackedGemm"/> packs, read by the same kernel in the same order, so results are bit-identical.
/// Layout: for each k slice s (depth <see cref="PackedGemm.KSliceDepth"/>), the panels of all n columns,
/// [slices][⌈n/NR⌉][kc_s][NR], zero past column n. The float32 weight is kept for the products that do not pack.
/// </summary>
internal sealed unsafe class PrepackedMatrix : IPackedWeight
{
    private readonly float[] _storage;        // pinned: the panels are read through a raw pointer
    private readonly float* _panels;
    private readonly int _panelCount;         // ⌈n / NR⌉

    /// <summary>The weight itself, [n, k] row-major.</summary>
    public float[] Weight { get; }
    /// <summary>n: rows of W, columns of the product.</summary>
    public int OutputDim { get; }
    /// <summary>k: columns of W, the shared dimension.</summary>
    public int InputDim { get; }
    /// <summary>NR of the kernel the panels were packed for; <see cref="PackedGemm"/> packs as usual if its kernel differs.</summary>
    public int PanelWidth { get; }
    /// <summary>Depth of every k slice but the last.</summary>
    public int SliceDepth { get; }

    /// <summary>Packs <paramref name="weight"/> [outputDim, inputDim] for this machine's fastest GEMM kernel.</summary>
    public PrepackedMatrix(float[] weight, int outputDim, int inputDim) : this(weight, outputDim, inputDim, GemmPlan.PackedPanelWidth(GemmSimd.Best)) { }

    /// <summary>Packs for a kernel of panel width <paramref name="panelWidth"/> (tests pack for the slower kernels too).</summary>
    internal PrepackedMatrix(float[] weight, int outputDim, int inputDim, int panelWidth)
    {
        GemmArguments.RequireWeight(weight, outputDim, inputDim);
        Weight = weight;
        OutputDim = outputDim;
        InputDim = inputDim;
        PanelWidth = panelWidth;
        SliceDepth = PackedGemm.KSliceDepth(inputDim);
        _panelCount = (outputDim + panelWidth - 1) / panelWidth;
        _panels = GemmWorkspace.AllocatePinnedAligned(checked(_panelCount * panelWidth * inputDim), out _storage);
        fixed (float* w = weight)
            for (int pc = 0; pc < inputDim; pc += SliceDepth)                               // [panels][kc][NR] per slice
                PanelPacking.PackTransposed(w + pc, inputDim, SliceKc(pc), outputDim, panelWidth, Panels(pc, 0), allowAvx: true);
    }

    /// <summary>The panels of the k slice starting at <paramref name="pc"/>, from the panel holding <paramref name="column"/> (a multiple of NR).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float* Panels(int pc, int column) =>
        _panels + (nint)_panelCount * PanelWidth * pc                  // every earlier slice is SliceDepth deep: pc values in all
        + (nint)(column / PanelWidth) * SliceKc(pc) * PanelWidth;

    public void Multiply(ReadOnlySpan<float> x, int rows, int xStride, Span<float> y, int yStride, bool accumulate, int maxThreads)
    {
        var options = Gemm.DefaultOptions();
        Gemm.Multiply(options with { MaxThreads = Math.Min(options.MaxThreads, maxThreads) }, rows, x, xStride, this, y, yStride, accumulate ? 1f : 0f);
    }

    private int SliceKc(int pc) => Math.Min(SliceDepth, InputDim - pc);
}
