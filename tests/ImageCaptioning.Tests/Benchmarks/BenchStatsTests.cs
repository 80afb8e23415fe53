using ImageCaptioning.Benchmarks.Harness;

namespace ImageCaptioning.Tests.Benchmarks;

/// <summary>The benchmark harness reports what it says: median and range of at least 5 runs, baseline and candidate interleaved.</summary>
public sealed class BenchStatsTests
{
    [Fact]
    public void A_result_is_the_median_with_the_minimum_and_maximum_of_its_runs()
    {
        var odd = BenchStats.Result.Of([5, 1, 4, 2, 3], jitQuiet: true);
        Assert.Equal((3.0, 1.0, 5.0, 5), (odd.MedianMs, odd.MinMs, odd.MaxMs, odd.Runs));

        var even = BenchStats.Result.Of([6, 1, 4, 2, 3, 5], jitQuiet: true);
        Assert.Equal(3.5, even.MedianMs);
        Assert.Equal("3.50 ms (1.00–6.00, 6 runs)", even.Format());
        Assert.Equal("1.75 ms/image (0.50–3.00, 6 runs)", even.Format(2, "ms/image"));
    }

    [Fact]
    public void Fewer_than_five_runs_are_raised_to_five()
    {
        int calls = 0;
        var result = BenchStats.Measure(() => calls++, warmup: 0, runs: 2);
        Assert.Equal(BenchStats.MinRuns, result.Runs);
        Assert.Equal(BenchStats.MinRuns, calls);
    }

    [Fact]
    public void Baseline_and_candidate_alternate_which_runs_first_and_are_timed_equally_often()
    {
        var order = new List<char>();
        var comparison = BenchStats.Compare(() => Work(order, 'b'), () => Work(order, 'c'), warmup: 1, runs: 6);

        // One warm-up pair, then pairs b c / c b / b c …
        Assert.Equal("bc" + "bc" + "cb" + "bc" + "cb" + "bc" + "cb", new string([.. order]));
        Assert.Equal(6, comparison.Baseline.Runs);
        Assert.Equal(6, comparison.Candidate.Runs);
        Assert.InRange(comparison.RatioMin, 0, comparison.RatioMedian);
        Assert.InRange(comparison.RatioMax, comparison.RatioMedian, double.MaxValue);
    }

    /// <summary>Records the call and spins a little, so each timed run lasts long enough to give a ratio.</summary>
    private static void Work(List<char> order, char name)
    {
        order.Add(name);
        Thread.SpinWait(10_000);
    }
}
