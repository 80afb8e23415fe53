using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ImageCaptioning.Captioning;
using ImageCaptioning.Cli.Arguments;
using ImageCaptioning.Cli.Commands.Caption;
using ImageCaptioning.Configuration;
using ImageCaptioning.Decoding;
using ImageCaptioning.Encoder;
using ImageCaptioning.Errors;
using ImageCaptioning.Imaging;
using ImageCaptioning.Model;
using ImageCaptioning.OutOfDistribution;
using Spectre.Console;

namespace ImageCaptioning.Cli.Commands;

/// <summary>
/// `caption &lt;paths...&gt;`: captions files, folders and globs, writing each result as it comes (memory stays flat);
/// a bad file is one `error: &lt;file&gt;: &lt;reason&gt;` line on stderr, the others carry on, and the exit code is then 1.
/// </summary>
internal static class CaptionCommand
{
    /// <summary>Images per encoder call and decoding pass.</summary>
    private const int DefaultBatch = 8;
    /// <summary>Fewer images than this finish too fast to need a progress bar.</summary>
    private const int ProgressThreshold = 8;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // readable paths and words; output is not HTML
    };

    public enum OutputFormat { Text, Json, JsonLines, AltHtml, Markdown }

    /// <summary>The names --format accepts.</summary>
    private static readonly Dictionary<string, OutputFormat> FormatNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["text"] = OutputFormat.Text, ["json"] = OutputFormat.Json, ["jsonl"] = OutputFormat.JsonLines,
        ["alt-html"] = OutputFormat.AltHtml, ["markdown"] = OutputFormat.Markdown,
    };

    /// <summary>
    /// What the user asked for, parsed. <see cref="Request.Decoding"/> applies the decoding options given on the command
    /// line to the model's own defaults (<see cref="ModelFolder.DecoderModel.DecodingDefaults"/>), known once it is loaded.
    /// </summary>
    internal sealed record Request(
        IReadOnlyList<string> Inputs, Func<DecodingOptions, DecodingOptions> Decoding, OutputFormat Format, bool Attention, string? ModelFolder, int Batch,
        DecoderWeightPrecision? Precision = null, bool AltSidecar = false, Shard? Shard = null, string? OutputFile = null);

    public static Command Create()
    {
        var inputs = new Argument<string[]>("images") { Description = "Image files, folders (searched recursively) or globs such as 'photos/**/*.jpg'.", Arity = ArgumentArity.OneOrMore };
        var beam = new Option<int>("--beam") { Description = "Beam width (1 = greedy).", DefaultValueFactory = _ => DecodingOptions.Default.BeamWidth };
        var maxLength = new Option<int>("--max-length") { Description = "Most tokens per caption, <end> included.", DefaultValueFactory = _ => DecodingOptions.Default.MaxLength };
        var nbest = new Option<int>("--nbest") { Description = "Alternatives kept per image (JSON output).", DefaultValueFactory = _ => DecodingOptions.Default.NBest };
        var lengthPenalty = new Option<float>("--length-penalty") { Description = "α of score = log p / lengthᵅ (0 = raw log-probability)." };
        var rerank = new Option<bool>("--rerank") { Description = "Re-rank the beam's n-best list by consensus (minimum Bayes risk); --rerank false keeps the beam's order.", DefaultValueFactory = _ => DecodingOptions.Default.ConsensusRerank };
        var rerankWeight = new Option<float>("--rerank-weight") { Description = "λ of --rerank: weight of the length-normalised log-probability.", DefaultValueFactory = _ => DecodingOptions.Default.ConsensusLogProbabilityWeight };
        var rerankLengthExponent = new Option<float>("--rerank-length-exponent")
        {
            Description = "α of --rerank: the log-probability term is λ · log p / tokensᵅ (1 = per token, 0 = whole caption).",
            DefaultValueFactory = _ => DecodingOptions.Default.ConsensusLengthExponent,
        };
        var rerankWeighting = new Option<ConsensusWeighting>("--rerank-weighting")
        {
            Description = "How --rerank weighs shared n-grams: Uniform, or DocumentFrequency (CIDEr-D's weights from the model folder's cider-df.json).",
            DefaultValueFactory = _ => DecodingOptions.Default.ConsensusWeighting,
        };
        var method = new Option<DecodingMethod?>("--method") { Description = "greedy, beam or sample (default: beam, or greedy with --beam 1)." };
        var temperature = new Option<float>("--temperature") { Description = "Sampling temperature.", DefaultValueFactory = _ => 1f };
        var topK = new Option<int>("--top-k") { Description = "Sample from the k most likely words (0 = all)." };
        var noRepeat = new Option<int>("--no-repeat-ngram")
        {
            Description = "Never repeat an n-gram of this size within a caption (0 = off).", DefaultValueFactory = _ => 3,
        };
        var seed = new Option<int?>("--seed") { Description = "Random seed for sampling." };
        var json = new Option<bool>("--json") { Description = "Write one JSON array with scores and alternatives." };
        var jsonl = new Option<bool>("--jsonl") { Description = "Write one JSON object per line." };
        var format = new Option<string?>("--format")
        {
            Description = "text (file<TAB>caption), json, jsonl, alt-html (<img src=\"…\" alt=\"…\"> per image) or markdown (![…](…) per image).",
        };
        format.AcceptOnlyFromAmong([.. FormatNames.Keys]);
        var altSidecar = new Option<bool>("--alt-sidecar") { Description = $"Also write each caption beside its image as <image file>{AltTextMarkup.SidecarExtension}." };
        var attention = new Option<bool>("--attention") { Description = "Include the attention map of every word in the JSON (the model's grid, row-major: 14×14 = 196 weights for the shipped model)." };
        var model = new Option<string?>("--model") { Description = $"Decoder model folder (default: models/{Captioner.DefaultModelName})." };
        var batch = new Option<int>("--batch") { Description = "Images per encoder and decoder batch.", DefaultValueFactory = _ => DefaultBatch };
        var precision = new Option<DecoderWeightPrecision?>("--precision")
        {
            Description = $"Weights the decoder's steps read: Int8 (int8 products at any batch size), Float16 (steps of at most {AttentionDecoder.CompactWeightsMaxRows} rows; float32 above) or Float32 (default: the model's own, config.json's step_weights).",
        };
        var shard = new Option<string?>("--shard")
        {
            Description = "Caption only shard i of n (0-based, e.g. 2/8; a file's shard is fixed by its path): n runs with the same inputs split them.",
        };
        var guidance = GuidanceCli.CreateOption();
        var outputFile = new Option<string?>("--output", "-o")
        {
            Description = "Write to this file instead of stdout. With --jsonl it is resumable: a rerun skips the images already in it and appends.",
        };
        var command = new Command("caption", "Caption images with the trained decoder.")
        {
            inputs, beam, maxLength, nbest, lengthPenalty, rerank, rerankWeight, rerankLengthExponent, rerankWeighting, method, temperature, topK, noRepeat, seed, json, jsonl, attention, model, batch, precision,
            format, altSidecar, shard, outputFile, guidance,
        };
        shard.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } text && Shard.Parse(text).Error is { } problem) result.AddError(problem);
        });
        command.Validators.Add(result =>
        {
            if (result.GetValue(json) && result.GetValue(jsonl))
                result.AddError("--json and --jsonl cannot be used together.");
            if (result.GetValue(format) is not null && (result.GetValue(json) || result.GetValue(jsonl)))
                result.AddError("--format cannot be combined with --json or --jsonl (use --format json or --format jsonl).");
        });
        batch.Validators.Add(result =>
        {
            if (DecodingOptionsValidation.TryGetValue(result, out int size) && size < 1) result.AddError("--batch must be at least 1.");
        });
        beam.CheckedBy(value => DecodingOptions.Default with { BeamWidth = value });
        maxLength.CheckedBy(value => DecodingOptions.Default with { MaxLength = value });
        nbest.CheckedBy(value => DecodingOptions.Default with { NBest = value });
        lengthPenalty.CheckedBy(value => DecodingOptions.Default with { LengthPenalty = value });
        rerankWeight.CheckedBy(value => DecodingOptions.Default with { ConsensusLogProbabilityWeight = value });
        rerankLengthExponent.CheckedBy(value => DecodingOptions.Default with { ConsensusLengthExponent = value });
        temperature.CheckedBy(value => DecodingOptions.Default with { Temperature = value });
        topK.CheckedBy(value => DecodingOptions.Default with { TopK = value });
        noRepeat.CheckedBy(value => DecodingOptions.Default with { NoRepeatNGramSize = value });
        command.SetAction(async (parse, ct) =>
        {
            // Every value was checked at parse time (CheckedBy above); those not given keep the model's own defaults.
            T Given<T>(Option<T> option, T modelDefault) => parse.GetResult(option) is { Implicit: false } ? parse.GetValue(option)! : modelDefault;
            var explicitMethod = parse.GetValue(method);
            var seedValue = parse.GetValue(seed);
            DecodingOptions Decoding(DecodingOptions model)
            {
                int beamWidth = Given(beam, model.BeamWidth);
                return model with
                {
                    BeamWidth = beamWidth,
                    MaxLength = Given(maxLength, model.MaxLength),
                    NBest = Given(nbest, model.NBest),
                    LengthPenalty = Given(lengthPenalty, model.LengthPenalty),
                    ConsensusRerank = Given(rerank, model.ConsensusRerank),
                    ConsensusLogProbabilityWeight = Given(rerankWeight, model.ConsensusLogProbabilityWeight),
                    ConsensusLengthExponent = Given(rerankLengthExponent, model.ConsensusLengthExponent),
                    ConsensusWeighting = Given(rerankWeighting, model.ConsensusWeighting),
                    Method = explicitMethod ?? (beamWidth == 1 ? DecodingMethod.Greedy : model.Method == DecodingMethod.Greedy ? DecodingMethod.Beam : model.Method),
                    Temperature = Given(temperature, model.Temperature),
                    TopK = Given(topK, model.TopK),
                    NoRepeatNGramSize = Given(noRepeat, model.NoRepeatNGramSize),
                    Seed = seedValue ?? model.Seed,
                    Guidance = Given(guidance, model.Guidance),
                };
            }
            var outputFormat = parse.GetValue(format) is { } name ? FormatNames[name]
                : parse.GetValue(json) ? OutputFormat.Json : parse.GetValue(jsonl) ? OutputFormat.JsonLines : OutputFormat.Text;
            var request = new Request(parse.GetValue(inputs) ?? [], Decoding, outputFormat, parse.GetValue(attention), parse.GetValue(model), parse.GetValue(batch),
                parse.GetValue(precision), parse.GetValue(altSidecar), parse.GetValue(shard) is { } text ? Shard.Parse(text).Shard : null,
                parse.GetValue(outputFile));
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            return await RunAsync(request, CaptioningPaths.FromEnvironment(), output, error, ct);
        });
        return command;
    }

    /// <summary>Runs a request, writing results to <paramref name="output"/> and one line per failure to <paramref name="error"/>.</summary>
    internal static async Task<int> RunAsync(Request request, CaptioningPaths paths, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var (files, problems) = ImagePathExpander.Expand(request.Inputs);
        foreach (var problem in problems)
            error.WriteLine($"error: {problem.Input}: {problem.Reason}");
        if (files.Count == 0)
            return CliRunner.ExitBadInput;
        if (request.Shard is { } shard)
            files = [.. files.Where(shard.Contains)];

        StreamWriter? fileOutput = null;
        try
        {
            if (request.OutputFile is { } outputFile)
            {
                (files, fileOutput) = OpenOutput(outputFile, request.Format, files, error);
                output = fileOutput;
            }
            if (files.Count == 0) // this shard is empty, or every image is already done
                return problems.Count > 0 ? CliRunner.ExitBadInput : 0;
            return await CaptionFilesAsync(request, paths, files, problems.Count, output, error, ct);
        }
        catch (InvalidDataException ex)
        {
            error.WriteLine($"error: {ex.Message}");
            return CliRunner.ExitBadInput;
        }
        finally
        {
            fileOutput?.Dispose();
        }
    }

    /// <summary>The --output file, and the files still to caption: with --jsonl, those not already in it (resumed).</summary>
    private static (IReadOnlyList<string> Files, StreamWriter Writer) OpenOutput(
        string outputFile, OutputFormat format, IReadOnlyList<string> files, TextWriter error)
    {
        if (format != OutputFormat.JsonLines)
            return (files, new StreamWriter(outputFile, append: false));
        var done = ResumableJsonLines.ReadDone(outputFile);
        var remaining = files.Where(f => !done.Contains(Path.GetFullPath(f))).ToList();
        if (remaining.Count < files.Count)
            error.WriteLine($"resuming: {files.Count - remaining.Count} of {files.Count} images are already in {outputFile}.");
        return (remaining, ResumableJsonLines.OpenForAppend(outputFile));
    }

    private static async Task<int> CaptionFilesAsync(Request request, CaptioningPaths paths, IReadOnlyList<string> files, int failedInputs,
        TextWriter output, TextWriter error, CancellationToken ct)
    {
        Captioner captioner;
        try
        {
            captioner = await Captioner.CreateAsync(paths, request.ModelFolder, request.Precision, ct);
        }
        catch (ImageCaptioningException ex)
        {
            error.WriteLine($"error: {ex.Message}");
            return CliRunner.ExitBadInput;
        }
        using (captioner)
        {
            var decoding = request.Decoding(captioner.Model.DecodingDefaults);
            if (decoding.ConsensusRerank && decoding.ConsensusWeighting == ConsensusWeighting.DocumentFrequency && captioner.Model.ConsensusFrequencies is null)
            {
                error.WriteLine($"error: --rerank-weighting DocumentFrequency needs the model folder's {ConsensusDocumentFrequencies.FileName}; "
                    + $"'{captioner.Model.Name}' has none (add it with `decoding-defaults`, or use Uniform).");
                return CliRunner.ExitBadInput;
            }
            var writer = new ResultWriter(output, request.Format, request.Attention, request.AltSidecar);
            int failures = failedInputs;
            bool showProgress = files.Count >= ProgressThreshold && ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
            try
            {
                if (showProgress)
                {
                    // Spectre would wrap error lines at the terminal width; they are kept and printed whole after the bar.
                    var errors = new List<string>();
                    var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
                    await console.Progress().AutoClear(true).StartAsync(async context =>
                    {
                        var task = context.AddTask("captioning", maxValue: files.Count);
                        failures += await CaptionAllAsync(captioner, files, request, decoding, writer, errors.Add, done => task.Increment(done), ct);
                    });
                    errors.ForEach(error.WriteLine);
                }
                else
                    failures += await CaptionAllAsync(captioner, files, request, decoding, writer, error.WriteLine, _ => { }, ct);
            }
            finally
            {
                writer.Finish(); // also on Ctrl-C (cancellation): --json output stays one valid array of what was captioned
            }
            return failures > 0 ? CliRunner.ExitBadInput : 0;
        }
    }

    /// <summary>
    /// Captions <paramref name="files"/> batch by batch; returns how many failed. Each file is read and checked once into a
    /// <see cref="ValidatedImage"/>; a file that fails that is reported alone and the rest of its batch goes on.
    /// </summary>
    private static Task<int> CaptionAllAsync(Captioner captioner, IReadOnlyList<string> files, Request request, DecodingOptions decoding,
        ResultWriter writer, Action<string> reportError, Action<int> advance, CancellationToken ct) => Task.Run(() =>
    {
        int failures = 0;
        void Fail(string file, Exception ex)
        {
            reportError($"error: {file}: {ex.Message}");
            failures++;
        }
        for (int first = 0; first < files.Count; first += request.Batch)
        {
            ct.ThrowIfCancellationRequested();
            var batch = files.Skip(first).Take(request.Batch).ToArray();
            var images = new ValidatedImage?[batch.Length];
            var unreadable = new Exception?[batch.Length];
            for (int i = 0; i < batch.Length; i++)
            {
                try { images[i] = ValidatedImage.FromFile(batch[i], captioner.Encoder.Limits); }
                catch (Exception ex) when (IsInputError(ex)) { unreadable[i] = ex; }
            }
            var valid = images.OfType<ValidatedImage>().ToArray();
            IReadOnlyList<CaptionResult>? results = null;
            try
            {
                results = captioner.CaptionBatch(valid, decoding);
            }
            catch (Exception ex) when (IsInputError(ex))
            {
                // An image's data cannot be decoded: caption the same images one at a time so only that one fails.
            }
            for (int i = 0, v = 0; i < batch.Length; i++)
            {
                if (images[i] is not { } image)
                {
                    Fail(batch[i], unreadable[i]!); // reported in input order, with the others
                    continue;
                }
                var batchResult = results?[v++];
                try
                {
                    writer.Write(batch[i], batchResult ?? captioner.Caption(image, decoding));
                }
                catch (Exception ex) when (IsInputError(ex))
                {
                    Fail(batch[i], ex);
                }
            }
            advance(batch.Length);
        }
        return failures;
    }, ct);

    private static bool IsInputError(Exception ex) =>
        ex is ImageCaptioningException or IOException or UnauthorizedAccessException;

    /// <summary>Writes results as they come (nothing is kept, so memory does not grow with the number of images).</summary>
    private sealed class ResultWriter(TextWriter output, OutputFormat format, bool attention, bool altSidecar)
    {
        private int _written;

        public void Write(string file, CaptionResult result)
        {
            if (altSidecar)
                File.WriteAllText(AltTextMarkup.SidecarPath(file), result.Best.Text + "\n");
            switch (format)
            {
                case OutputFormat.Text:
                    output.WriteLine(result.OutOfDistribution is { Flagged: true } ood
                        ? string.Create(CultureInfo.InvariantCulture, $"{file}\t{result.Best.Text}\tunlike-training-photos score={ood.Score:F4} threshold={ood.Threshold:F4}")
                        : $"{file}\t{result.Best.Text}");
                    break;
                case OutputFormat.AltHtml:
                    output.WriteLine(AltTextMarkup.Html(file, result.Best.Text));
                    break;
                case OutputFormat.Markdown:
                    output.WriteLine(AltTextMarkup.Markdown(file, result.Best.Text));
                    break;
                case OutputFormat.JsonLines:
                    output.WriteLine(JsonSerializer.Serialize(ToJson(file, result), JsonOptions));
                    break;
                case OutputFormat.Json:
                    output.Write(_written == 0 ? "[\n" : ",\n");
                    output.Write(JsonSerializer.Serialize(ToJson(file, result), JsonOptions));
                    break;
            }
            _written++;
            output.Flush();
        }

        public void Finish()
        {
            if (format == OutputFormat.Json)
                output.WriteLine(_written == 0 ? "[]" : "\n]");
            output.Flush();
        }

        private ImageJson ToJson(string file, CaptionResult result) => new(
            file,
            result.Best.Text,
            result.Best.Score,
            result.Best.LogProbability,
            result.Best.Finished,
            [.. result.Alternatives.Select(ToJson)],
            result.TopClasses,
            result.Timings,
            result.OutOfDistribution,
            GuidanceCli.Tags(result),
            GuidanceCli.Guidance(result));

        private CaptionJson ToJson(GeneratedCaption caption) => new(
            caption.Text, caption.Words, caption.Score, caption.LogProbability, caption.Finished,
            attention ? caption.Attention : null);
    }

    private sealed record ImageJson(
        string File, string Caption, double Score, double LogProbability, bool Finished,
        IReadOnlyList<CaptionJson> Alternatives, IReadOnlyList<ClassProbability> TopClasses, CaptionTimings Timings,
        OutOfDistributionCheck? OutOfDistribution, IReadOnlyList<TagJson> Tags, GuidanceJson? Guidance);

    /// <param name="Attention">Per word, the attention weights of the model's grid (196 for 14×14, 49 for 7×7), row-major (only with --attention).</param>
    private sealed record CaptionJson(
        string Text, IReadOnlyList<string> Words, double Score, double LogProbability, bool Finished, IReadOnlyList<float[]>? Attention);
}
