using ImageCaptioning.Benchmarks.Load;

namespace ImageCaptioning.Tests.Benchmarks;

/// <summary>`bench web` reports each phase and checks its targets on the medians over the phases, not on one phase.</summary>
public sealed class BenchWebPhaseTests
{
    [Fact]
    public void A_phase_gives_requests_per_second_and_nearest_rank_percentiles()
    {
        double[] latencies = [.. Enumerable.Range(1, 101).Select(i => (double)i)]; // 1 … 101 ms
        var phase = BenchWebCommand.PhaseFigures.Of(ok: 101, errors: 2, TimeSpan.FromSeconds(2), latencies);

        Assert.Equal(50.5, phase.RequestsPerSecond);
        Assert.Equal((51.0, 91.0, 100.0, 101.0), (phase.P50Ms, phase.P90Ms, phase.P99Ms, phase.MaxMs));
        Assert.Equal(2, phase.Errors);
    }

    [Fact]
    public void The_summary_is_the_median_and_range_over_phases_and_counts_every_phases_errors()
    {
        BenchWebCommand.PhaseFigures Phase(double perSecond, double p99, int errors) => new(100, errors, perSecond, 10, 20, p99, p99 + 1);
        var summary = BenchWebCommand.PhaseSummary.Of([Phase(48.9, 592, 0), Phase(65.0, 495, 1), Phase(52.0, 620, 0)]);

        Assert.Equal(3, summary.Phases);
        Assert.Equal(new BenchWebCommand.Spread(52.0, 48.9, 65.0), summary.RequestsPerSecond);
        Assert.Equal(new BenchWebCommand.Spread(592, 495, 620), summary.P99Ms);
        Assert.Equal(1, summary.Errors);
        Assert.Equal("52.0 req/s (48.9–65.0)", summary.RequestsPerSecond.Format("req/s", "F1"));
    }

    [Fact]
    public void An_even_number_of_phases_takes_the_mean_of_the_middle_two_and_one_phase_has_no_range()
    {
        Assert.Equal(new BenchWebCommand.Spread(2.5, 1, 4), BenchWebCommand.Spread.Of([4, 1, 3, 2]));
        Assert.Equal("7.0 ms", BenchWebCommand.Spread.Of([7]).Format("ms", "F1"));
    }
}
