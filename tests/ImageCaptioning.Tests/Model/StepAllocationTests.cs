using ImageCaptioning.Model;

namespace ImageCaptioning.Tests.Model;

/// <summary>
/// The decoding step loop allocates nothing once warm (its buffers live in the workspace): a count of allocated bytes
/// around <see cref="AttentionDecoder.Step"/> and the beam bookkeeping's <see cref="DecoderWorkspace.ReorderRows"/>,
/// not a timing.
/// </summary>
public sealed class StepAllocationTests
{
    public static TheoryData<string, DecoderWeightPrecision, int> Cases => new()
    {
        { "shipped sizes", DecoderWeightPrecision.Float16, 1 },
        { "shipped sizes", DecoderWeightPrecision.Float16, 3 },
        { "shipped sizes", DecoderWeightPrecision.Int8, 1 },
        { "shipped sizes", DecoderWeightPrecision.Int8, 3 },
        { "medium", DecoderWeightPrecision.Float32, 1 },
        { "medium", DecoderWeightPrecision.Float32, 3 },
        { "medium", DecoderWeightPrecision.Float16, 3 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AWarmStepAllocatesNothing(string sizes, DecoderWeightPrecision precision, int rows)
    {
        // The shipped model's sizes (random weights); float32 products that large are split with Parallel.For, which
        // allocates, so the float32 path is checked at sizes it runs on one thread (the trainer's path, not the server's).
        var config = sizes == "shipped sizes"
            ? new DecoderConfig { VocabSize = 2541 }
            : new DecoderConfig { Positions = 7, EncoderDim = 40, FeatureDim = 48, AttentionDim = 24, EmbeddingDim = 20, HiddenDim = 36, VocabSize = 53 };
        var decoder = new AttentionDecoder(DecoderParameters.CreateRandom(config, 1), precision);
        var ws = decoder.CreateWorkspace(rows, 1);
        decoder.PrepareImages(TestModels.RandomGrids(1, config, 1), 1, ws);
        decoder.StartRows(ws, 1, rows, 1);
        int[] parents = [.. Enumerable.Range(0, rows).Reverse()];
        int[] tokens = [.. Enumerable.Range(4, rows)];
        for (int i = 0; i < 3; i++) // warm-up: JIT, GEMM scratch, lazy statics
        {
            decoder.Step(ws);
            ws.ReorderRows(parents, tokens);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            decoder.Step(ws);
            ws.ReorderRows(parents, tokens);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"5 steps allocated {allocated} bytes");
    }
}
