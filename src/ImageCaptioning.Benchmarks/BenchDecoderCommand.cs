using System.CommandLine;
using System.Diagnostics;
using ImageCaptioning.Captioning;
using ImageCaptioning.Configuration;
using ImageCaptioning.Data;
using ImageCaptioning.Decoding;
using ImageCaptioning.Encoder;
using ImageCaptioning.Model;
using ImageCaptioning.ModelFolder;
using ImageCaptioning.Numerics;

using ImageCaptioning.Benchmarks.Harness;

namespace ImageCaptioning.Benchmarks;

/// <summary>
/// `bench decoder`: caption generation speed. Decoder alone on random grids of the model's shape (greedy and beam 3, batch 1
/// and batched), then — when the encoder and Flickr8k are configured — end to end (image file → caption) warm,
/// batch 1 and batched. Uses the shipped model when present, otherwise (or with --random) a random decoder of
/// the real sizes; a random decoder rarely emits &lt;end&gt;, so every caption runs the full --max-length steps.
/// </summary>
internal static class BenchDecoderCommand
{
    /// <summary>Batch-1 measurements warm up at least this long, so they time the tiered JIT's optimised code.</summary>
    private const double WarmupMs = 1000;

    private static readonly string WarmupNote =
        $"after ≥ {WarmupMs / 1000:F0} s of warm-up and then {BenchStats.JitQuietMs / 1000:F0} s without JIT compilation";

    private static string JitNote(BenchStats.Result result) =>
        result.JitQuiet ? "" : $" (the JIT was still compiling after {BenchStats.MaxWarmupMs / 1000:F0} s: not a steady state)";

    public static Command Create()
    {
        var runs = new Option<int>("--runs") { Description = "Timed runs per measurement (after a warm-up; at least 5); the median and min–max are reported.", DefaultValueFactory = _ => 30 };
        var batch = new Option<int>("--batch") { Description = "Images per batch for the throughput runs.", DefaultValueFactory = _ => 32 };
        var maxLength = new Option<int>("--max-length") { Description = "Most tokens per caption.", DefaultValueFactory = _ => 20 };
        var model = new Option<string?>("--model") { Description = "Decoder model folder (default: the shipped model if present, else random)." };
        var random = new Option<bool>("--random") { Description = "Use a random decoder of the real sizes even if a trained one exists." };
        var vocab = new Option<int>("--vocab") { Description = "Vocabulary size of the random decoder.", DefaultValueFactory = _ => 2600 };
        var threads = new Option<int>("--threads") { Description = "GEMM threads (0 = all cores)." };
        var precision = new Option<DecoderWeightPrecision?>("--precision")
        {
            Description = "Weights the decoder steps read: Float32, Float16 or Int8 (default: the model's own choice, config.json's step_weights, else Float16 for an F16 file).",
        };
        var command = new Command("decoder", "Caption generation speed: decoder alone (greedy, beam 3; ratio to the Float32 step path) and end to end (ratio to the encoder alone).")
        {
            runs, batch, maxLength, model, random, vocab, threads, precision,
        };
        foreach (var (option, minimum) in new[] { (runs, BenchStats.MinRuns), (batch, 1), (maxLength, 1), (vocab, 5) })
            option.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int>() < minimum) result.AddError($"{option.Name} must be at least {minimum}.");
            });
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(threads) is > 0 and var t) Gemm.MaxThreads = t;
            var paths = CaptioningPaths.FromEnvironment();
            var decoderModel = LoadOrCreate(paths, parse.GetValue(model), parse.GetValue(random), parse.GetValue(vocab));
            if (parse.GetValue(precision) is { } chosen) decoderModel = decoderModel.WithWeightPrecision(chosen);
            var c = decoderModel.Config;
            Console.WriteLine($"decoder     {decoderModel.Name}: E={c.EncoderDim} D={c.FeatureDim} A={c.AttentionDim} M={c.EmbeddingDim} H={c.HiddenDim} V={c.VocabSize}, {decoderModel.Parameters.ParameterCount:N0} parameters");
            Console.WriteLine($"machine     {Environment.ProcessorCount} logical cores, GEMM threads {Gemm.MaxThreads}");
            Console.WriteLine($"weights     per-step products read {decoderModel.WeightPrecision}" + decoderModel.WeightPrecision switch
            {
                DecoderWeightPrecision.Float16 => $" up to {AttentionDecoder.CompactWeightsMaxRows} rows per step, float32 above",
                DecoderWeightPrecision.Int8 => " (int8 × u8) at every number of rows",
                _ => "",
            });

            int runCount = parse.GetValue(runs), batchSize = parse.GetValue(batch), length = parse.GetValue(maxLength);
            BenchDecoderAlone(decoderModel, runCount, batchSize, length);
            await BenchEndToEndAsync(paths, decoderModel, runCount, batchSize, length, ct);
            Console.WriteLine();
            Console.WriteLine($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024):F0} MB");
            return 0;
        });
        return command;
    }

    private static DecoderModel LoadOrCreate(CaptioningPaths paths, string? folder, bool random, int vocabularySize)
    {
        folder ??= Captioner.DefaultModelFolder(paths);
        if (!random && Directory.Exists(folder))
            return DecoderModel.Load(folder);
        // A vocabulary of the requested size: the 4 special tokens + synthetic words.
        var words = Enumerable.Range(0, vocabularySize - Vocabulary.SpecialTokens.Count).Select(i => $"w{i}").ToArray();
        var vocabulary = Vocabulary.Build([words], minCount: 1);
        return DecoderModel.CreateRandom(new DecoderConfig { VocabSize = vocabulary.Count }, vocabulary, seed: 1);
    }

    /// <summary>The chosen weights against the plain Float32 step path (the baseline), in alternating runs on the same grids.</summary>
    private static void BenchDecoderAlone(DecoderModel model, int runs, int batchSize, int maxLength)
    {
        var generator = model.CreateGenerator();
        var float32 = model.WithWeightPrecision(DecoderWeightPrecision.Float32).CreateGenerator();
        var config = generator.Decoder.Config;
        int gridFloats = config.Positions * config.EncoderDim;
        var rng = new Random(5);
        var grids = new float[batchSize * gridFloats]; // [batch, P, E], ReLU6-like values
        for (int i = 0; i < grids.Length; i++) grids[i] = rng.NextSingle() < 0.5f ? 0f : rng.NextSingle() * 6f;

        Console.WriteLine();
        Console.WriteLine($"decoder alone, random grids, max length {maxLength}: {model.WeightPrecision} weights, median (min–max, runs), " +
                          $"and the ratio to the Float32 step path timed in alternating runs ({WarmupNote})");
        foreach (var (label, options) in new[]
        {
            ("greedy", new DecodingOptions { Method = DecodingMethod.Greedy, MaxLength = maxLength }),
            ("beam 3", new DecodingOptions { BeamWidth = 3, MaxLength = maxLength }),
        })
        {
            double words = 0;
            long allocated = 0;
            var single = BenchStats.Compare(
                () => float32.Generate(grids.AsSpan(0, gridFloats), options),
                () =>
                {
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    var result = generator.Generate(grids.AsSpan(0, gridFloats), options);
                    allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                    words = result[0].Words.Count;
                }, warmup: 3, runs: runs, minWarmupMs: WarmupMs);
            var batched = BenchStats.Compare(() => float32.Generate(grids, batchSize, options), () => generator.Generate(grids, batchSize, options),
                warmup: 1, runs: Math.Max(BenchStats.MinRuns, runs / 5), minWarmupMs: WarmupMs);
            Console.WriteLine($"  {label,-7} batch 1 : {single.Candidate.Format(unit: "ms/image")}; Float32 path {single.Baseline.Format()}; ratio {single.FormatRatio()}; " +
                              $"best caption {words} words, {allocated / 1024.0:F0} KB allocated per call{JitNote(single.Candidate)}");
            Console.WriteLine($"  {label,-7} batch {batchSize,-2}: {batched.Candidate.Format(batchSize, "ms/image")}, {1000 * batchSize / batched.Candidate.MedianMs:F0} images/s; " +
                              $"Float32 path {batched.Baseline.Format(batchSize, "ms/image")}; ratio {batched.FormatRatio()}{JitNote(batched.Candidate)}");
        }
    }

    /// <summary>Image file → text, against the encoder alone on the same files (the baseline), in alternating runs.</summary>
    private static async Task BenchEndToEndAsync(CaptioningPaths paths, DecoderModel model, int runs, int batchSize, int maxLength, CancellationToken ct)
    {
        Console.WriteLine();
        string? imagesFolder = paths.Flickr8kDirectory is { } flickr ? Path.Combine(flickr, "images") : null;
        if (paths.ModelSourceDirectory is null || imagesFolder is null || !Directory.Exists(imagesFolder))
        {
            Console.WriteLine($"end to end: skipped (set {CaptioningPaths.ModelsDirVariable} and {CaptioningPaths.Flickr8kDirVariable}).");
            return;
        }
        if (FeatureGrid.Find(model.Config.Positions, model.Config.EncoderDim) is not { } grid)
        {
            Console.WriteLine($"end to end: skipped (the decoder reads {model.Config.Positions}×{model.Config.EncoderDim} features, a size this encoder does not produce).");
            return;
        }
        string[] files = [.. Directory.EnumerateFiles(imagesFolder, "*.jpg").Order(StringComparer.Ordinal).Take(Math.Max(runs + 3, batchSize * 4))];
        using var captioner = Captioner.Create(await ImageEncoder.CreateAsync(paths, new EncoderOptions { FineGrid = grid.NeedsFineMap }, ct), model);
        var options = new DecodingOptions { BeamWidth = 3, MaxLength = maxLength };
        int next = 0, nextForEncoder = 0;
        string Next() => files[next++ % files.Length];
        string NextForEncoder() => files[nextForEncoder++ % files.Length];

        var stageTimings = new List<CaptionTimings>();
        var memory = new List<MemoryUse>();
        var single = BenchStats.Compare(() => captioner.Encoder.Encode(NextForEncoder()),
            () => memory.Add(MemoryUse.Of(() => stageTimings.Add(captioner.Caption(Next(), options).Timings))),
            warmup: 3, runs: runs, minWarmupMs: WarmupMs);
        var timed = stageTimings.TakeLast(single.Candidate.Runs).ToArray();          // the measured calls, not the warm-up
        Console.WriteLine("end to end, Flickr8k files, beam 3 (image file → text): median (min–max, runs), and the ratio to the encoder alone " +
                          "(file → the model's grid) timed in alternating runs on the same files");
        Console.WriteLine($"  batch 1 : {single.Candidate.Format(unit: "ms/image")}; encoder alone {single.Baseline.Format()}; ratio {single.FormatRatio()}; " +
                          $"{Stages(timed)}; {MemoryUse.Format(memory.TakeLast(single.Candidate.Runs))}{JitNote(single.Candidate)}");

        var batches = files.Chunk(batchSize).Where(b => b.Length == batchSize).ToArray();
        int nextBatch = 0, nextEncoderBatch = 0;
        int batchRuns = Math.Max(BenchStats.MinRuns, runs / 5);
        var batchTimings = new List<CaptionTimings>();
        var batchMemory = new List<MemoryUse>();
        var batched = BenchStats.Compare(() => captioner.Encoder.EncodeBatch(batches[nextEncoderBatch++ % batches.Length]),
            () => batchMemory.Add(MemoryUse.Of(() => batchTimings.Add(captioner.CaptionBatch(batches[nextBatch++ % batches.Length], options)[0].Timings))),
            warmup: 1, runs: batchRuns, minWarmupMs: WarmupMs);
        var timedBatches = batchTimings.TakeLast(batched.Candidate.Runs).ToArray();
        Console.WriteLine($"  batch {batchSize,-2}: {batched.Candidate.Format(batchSize, "ms/image")}, {1000 * batchSize / batched.Candidate.MedianMs:F0} images/s; " +
                          $"encoder alone {batched.Baseline.Format(batchSize, "ms/image")}; ratio {batched.FormatRatio()}; " +
                          $"per image: {Stages(timedBatches)}; {MemoryUse.Format(batchMemory.TakeLast(batched.Candidate.Runs))}{JitNote(batched.Candidate)}");
    }

    /// <summary>What one captioning call allocated (on every thread) and how many gen-2 collections ran during it.</summary>
    private readonly record struct MemoryUse(long AllocatedBytes, int Gen2Collections)
    {
        public static MemoryUse Of(Action call)
        {
            long allocated = GC.GetTotalAllocatedBytes(precise: false);
            int gen2 = GC.CollectionCount(2);
            call();
            return new(GC.GetTotalAllocatedBytes(precise: false) - allocated, GC.CollectionCount(2) - gen2);
        }

        /// <summary>The median allocation per call and the gen-2 collections of the timed calls.</summary>
        public static string Format(IEnumerable<MemoryUse> calls)
        {
            var list = calls.ToArray();
            var allocated = list.Select(c => c.AllocatedBytes).Order().ToArray();
            return $"{allocated[allocated.Length / 2] / (1024.0 * 1024):F2} MB allocated per call (median), " +
                   $"{list.Sum(c => c.Gen2Collections)} gen-2 collections in the {list.Length} timed calls";
        }
    }

    /// <summary>The library's own stage timings of the timed calls: median (min–max) of each stage.</summary>
    private static string Stages(IReadOnlyList<CaptionTimings> timings)
    {
        string Stage(string name, Func<CaptionTimings, double> ms)
        {
            var r = BenchStats.Result.Of([.. timings.Select(ms)], jitQuiet: true);
            return $"{name} {r.MedianMs:F2} ms ({r.MinMs:F2}–{r.MaxMs:F2})";
        }
        return $"stages (median, min–max): {Stage("encoder", t => t.EncoderMs)}, {Stage("out-of-distribution check", t => t.OutOfDistributionMs)}, " +
               $"{Stage("tags", t => t.TagsMs)}, {Stage("decoder", t => t.DecoderMs)}";
    }
}
