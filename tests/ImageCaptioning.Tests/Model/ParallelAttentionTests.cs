using ImageCaptioning.Model;
using ImageCaptioning.Tests.Training;

namespace ImageCaptioning.Tests.Model;

/// <summary>A step with many rows over a fine grid splits its attention across threads, row by row: the same bits as one thread.</summary>
public sealed class ParallelAttentionTests
{
    [Fact]
    public void ASplitAttentionGivesTheSameStepAsOneThread()
    {
        // 196 cells × 256 attention units × 8 rows is above the split threshold; the other sizes are small.
        var config = TinyDecoders.ParentCellConfig() with { AttentionDim = 256 };
        const int images = 4, beams = 2, rows = images * beams;
        Assert.True(rows * config.Positions * config.AttentionDim >= AttentionDecoder.ParallelAttentionMinValues);
        var decoder = new AttentionDecoder(DecoderParameters.CreateRandom(config, seed: 21));
        var grids = TinyDecoders.ParentCellGrids(images, config.ParentCells!, seed: 22);

        DecoderWorkspace Run(int threads)
        {
            var ws = decoder.CreateWorkspace(rows, images);
            ws.MaxThreads = threads;
            decoder.PrepareImages(grids, images, ws);
            decoder.StartRows(ws, images, beams, startToken: 1);
            int[] parents = [.. Enumerable.Range(0, rows).Select(r => r ^ 1)];   // swap the two beams of each image
            for (int t = 0; t < 3; t++)
            {
                decoder.Step(ws);
                ws.ReorderRows(parents, [.. Enumerable.Range(4, rows).Select(token => token % config.VocabSize)]);
            }
            decoder.Step(ws);
            return ws;
        }

        var one = Run(threads: 1);
        var many = Run(threads: int.MaxValue);
        Assert.Equal(one.Alpha.AsSpan(0, rows * config.Positions).ToArray(), many.Alpha.AsSpan(0, rows * config.Positions).ToArray());
        Assert.Equal(one.LogProbs.AsSpan(0, rows * config.VocabSize).ToArray(), many.LogProbs.AsSpan(0, rows * config.VocabSize).ToArray());
    }
}
