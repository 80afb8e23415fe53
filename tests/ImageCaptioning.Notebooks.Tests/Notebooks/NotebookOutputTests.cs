using System.Globalization;
using System.Text.RegularExpressions;
using ImageCaptioning.Captioning;
using ImageCaptioning.Decoding;
using ImageCaptioning.Model;
using ImageCaptioning.ModelFolder;

namespace ImageCaptioning.Notebooks.Tests.Notebooks;

/// <summary>
/// What each notebook is about shows in its real-kernel outputs (see <see cref="ExecutedNotebook"/>): the numbers the
/// prose relies on, the agreement checks, and the charts.
/// </summary>
public sealed partial class NotebookOutputTests
{
    public static TheoryData<string> Notebooks() => [.. ExecutedNotebook.Names()];

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Every_notebook_ran_without_errors_and_draws_offline_charts_with_a_static_copy(string fileName)
    {
        var notebook = ExecutedNotebook.Load(fileName);

        Assert.Empty(notebook.Errors());
        var charts = notebook.Charts();
        Assert.NotEmpty(charts);
        Assert.All(charts, c => Assert.StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"imagecaptioning-static-chart\"", c.Svg, StringComparison.Ordinal));
        Assert.Single(notebook.Htmls(), h => h.Contains("id=\"imagecaptioning-plotly-js\"", StringComparison.Ordinal));
        Assert.DoesNotContain(notebook.Htmls(), h => ScriptSource().IsMatch(h));
        Assert.DoesNotContain(notebook.Htmls(), h => h.Contains("dotnet-interactive-this-cell", StringComparison.Ordinal));
    }

    [Fact]
    public void Images_as_tensors()
    {
        var notebook = ExecutedNotebook.Load("01-images-as-tensors.ipynb");

        Assert.True(notebook.Charts().Count >= 3, "the photo, its three channels and the histograms are charts");
        Assert.Contains(notebook.Texts(), t => t.StartsWith("pixels: 150,528 floats = 3 × 224 × 224", StringComparison.Ordinal));
        Assert.Contains("ML.NET and ImagePixelDecoder differ in 0 of 150,528 values", notebook.Texts());
    }

    [Fact]
    public void Onnx_encoder()
    {
        var notebook = ExecutedNotebook.Load("02-onnx-encoder.ipynb");

        Assert.True(notebook.Charts().Count >= 2, "top-5 classes and the channel heat maps are charts");
        Assert.Contains(notebook.Texts(), t => t.Contains("features: 62,720 floats = 1280 × 7 × 7", StringComparison.Ordinal));
        Assert.Contains("largest difference between the two layouts: 0", notebook.Texts());
    }

    [Fact]
    public void Captions_and_vocabulary()
    {
        var notebook = ExecutedNotebook.Load("03-captions-and-vocabulary.ipynb");

        Assert.True(notebook.Charts().Count >= 4, "photo, word frequencies, Zipf and caption lengths are charts");
        // <start> = 1 opens and <end> = 2 closes every encoded caption.
        Assert.Contains(notebook.Texts(), t => StartEndIds().IsMatch(t));
        Assert.Contains(notebook.Texts(), t => t.StartsWith("'a' is ", StringComparison.Ordinal));
    }

    [Fact]
    public void Attention_decoder_step_by_step()
    {
        var notebook = ExecutedNotebook.Load("04-attention-decoder-step-by-step.ipynb");

        Assert.True(notebook.Charts().Count >= 5, "attention maps, gates, next-word bars, the beam tree and sampling are charts");
        string agreement = Assert.Single(notebook.Texts(), t => t.StartsWith("largest difference from AttentionDecoder.Step", StringComparison.Ordinal));
        Assert.All(Numbers().Matches(agreement[agreement.IndexOf(':')..]), m => Assert.True(double.Parse(m.Value, CultureInfo.InvariantCulture) < 1e-4, agreement));
        Assert.Contains(notebook.Texts(), t => t.EndsWith("same as CaptionGenerator's beam search: True", StringComparison.Ordinal));
        Assert.Contains("beam width 5, n-best 5, no repeated 3-grams", notebook.Texts());
        // The shapes are the loaded model's (the shipped one), read from its config.
        var config = ShippedModelConfig();
        Assert.Contains(notebook.Texts(), t => t.StartsWith($"P={config.Positions} cells, E={config.EncoderDim}, ", StringComparison.Ordinal));
        Assert.Contains($"v: [{config.Positions}, {config.FeatureDim}], attention keys: [{config.Positions}, {config.AttentionDim}], h₀ and c₀: [{config.HiddenDim}]", notebook.Texts());
        Assert.Contains(notebook.Charts(), c => c.Html.Contains("Beam search, K = 5", StringComparison.Ordinal) && c.Html.Contains("winner", StringComparison.Ordinal));
        // Sampling rows sit beside beam rows in the comparison table.
        Assert.Contains(notebook.Htmls(), h => h.Contains("sample T=0.5", StringComparison.Ordinal) && h.Contains("beam #1", StringComparison.Ordinal));
    }

    [Fact]
    public void Guided_decoding_writes_a_forced_tag_word_and_keeps_forbidden_dog_words_out()
    {
        var notebook = ExecutedNotebook.Load("04-attention-decoder-step-by-step.ipynb");

        // One block per photo: its name, the encoder's tags, the rules, the caption without and with guidance.
        var blocks = notebook.Texts().Where(t => t.Contains("\n  with guidance:", StringComparison.Ordinal)).Select(GuidedBlock.Parse).ToList();
        Assert.True(blocks.Count >= 4, $"{blocks.Count} photos compared without and with guidance");
        Assert.All(blocks, b => Assert.False(string.IsNullOrWhiteSpace(b.Unguided), b.Photo));
        Assert.Contains(notebook.Charts(), c => c.Html.Contains("as the encoder sees them", StringComparison.Ordinal));

        // A forced tag appears in the guided caption as one of its words (unless the notebook says the constraint was not met),
        // and the words marked as coming from the tags are exactly such words.
        var forcedAndMet = blocks.Where(b => b.Required.Count > 0 && !b.ConstraintNotMet).ToList();
        Assert.True(forcedAndMet.Count >= 3, $"{forcedAndMet.Count} photos with a forced tag written");
        Assert.All(forcedAndMet, b =>
        {
            Assert.Contains(b.GuidedWords, w => b.Required.Contains(w));
            Assert.NotEmpty(b.MarkedWords);
            Assert.All(b.MarkedWords, w => Assert.Contains(w, b.Required));
        });
        // Guidance changes something: at least one photo's caption differs, and the dog rule fires somewhere and holds.
        Assert.Contains(blocks, b => b.Unguided != string.Join(' ', b.GuidedWords));
        var dogRule = blocks.Where(b => b.Forbidden.Count > 0).ToList();
        Assert.NotEmpty(dogRule);
        Assert.All(dogRule, b => Assert.DoesNotContain(b.GuidedWords, w => b.Forbidden.Contains(w)));
    }

    /// <summary>One photo's comparison as the guided-decoding cell prints it.</summary>
    private sealed record GuidedBlock(string Photo, IReadOnlyList<string> Required, IReadOnlyList<string> Forbidden, string Unguided,
        IReadOnlyList<string> GuidedWords, IReadOnlyList<string> MarkedWords, bool ConstraintNotMet)
    {
        public static GuidedBlock Parse(string text)
        {
            var lines = text.Split('\n');
            string Field(string name) => lines.Single(l => l.StartsWith($"  {name}:", StringComparison.Ordinal))[(name.Length + 3)..].Trim();
            string rules = Field("rules");
            var required = RequiredWords().Match(rules) is { Success: true } r ? r.Groups["words"].Value.Split(", ") : [];
            var forbidden = ForbiddenWords().Match(rules) is { Success: true } f ? f.Groups["words"].Value.Split(", ") : [];
            string guided = Field("with guidance");
            bool notMet = guided.Contains("(constraint not met", StringComparison.Ordinal);
            if (notMet)
                guided = guided[..guided.IndexOf("   (", StringComparison.Ordinal)];
            var tokens = guided.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return new GuidedBlock(lines[0], required, forbidden, Field("without guidance"),
                [.. tokens.Select(t => t.Trim('[', ']'))], [.. tokens.Where(t => t.StartsWith('[')).Select(t => t.Trim('[', ']'))], notMet);
        }
    }

    [GeneratedRegex(@"any of: (?<words>[^;(]+?)\s*[;(]")]
    private static partial Regex RequiredWords();

    [GeneratedRegex(@"forbidden: (?<words>[^(]+?) \(")]
    private static partial Regex ForbiddenWords();

    [Fact]
    public void Attention_plots_overlay_the_photo_on_one_absolute_scale()
    {
        var notebook = ExecutedNotebook.Load("05-attention-plots.ipynb");
        // The notebook takes its grid from the model it loads (the shipped one): P cells, side × side.
        var (side, cells) = ShippedModelGrid();
        Assert.Contains(notebook.Texts(), t => t.Contains($"P = {side} × {side} = {cells} cells", StringComparison.Ordinal));

        var figures = notebook.Charts().Where(c => c.Html.Contains("\"type\":\"image\"", StringComparison.Ordinal)
            && c.Html.Contains("\"type\":\"heatmap\"", StringComparison.Ordinal)).ToList();
        Assert.True(figures.Count >= 2, "a Flickr8k test photo and an example photo");
        foreach (var figure in figures)
        {
            // Every word's map uses the figure's one scale: all zmin are 0 and all zmax equal.
            var zmax = ZMax().Matches(figure.Html).Select(m => m.Groups[1].Value).Distinct().ToList();
            Assert.Single(zmax);
            Assert.DoesNotMatch("\"zmin\":(?!0,)", figure.Html);
            Assert.Contains($"α × {cells}", figure.Svg, StringComparison.Ordinal);   // the colour bar's title, in the static copy too
            // One square of 224 / side pixels per cell of the 224 × 224 photo.
            string cell = (224.0 / side).ToString(CultureInfo.InvariantCulture);
            Assert.Contains($"\"dx\":{cell},", figure.Html, StringComparison.Ordinal);
        }
    }

    /// <summary>The side and cell count of the grid the shipped model attends over (from its config.json), which the notebooks ran with.</summary>
    private static (int Side, int Cells) ShippedModelGrid()
    {
        var config = ShippedModelConfig();
        int side = (int)Math.Round(Math.Sqrt(config.Positions));
        Assert.Equal(config.Positions, side * side);
        return (side, config.Positions);
    }

    private static DecoderConfig ShippedModelConfig() =>
        DecoderConfig.Load(Path.Combine(Captioner.DefaultModelFolder(TestData.Paths), DecoderModel.ConfigFileName));

    [Fact]
    public void Training_in_csharp()
    {
        var notebook = ExecutedNotebook.Load("06-training-in-csharp.ipynb");
        string texts = string.Join('\n', notebook.Texts());

        Assert.True(notebook.Charts().Count >= 3, "gradients, the four training curves and the coverage maps are charts");
        var loss = LossLine().Match(texts);
        Assert.True(loss.Success, "the training cell reports its cross-entropy before and after");
        double before = double.Parse(loss.Groups["before"].Value, CultureInfo.InvariantCulture);
        double after = double.Parse(loss.Groups["after"].Value, CultureInfo.InvariantCulture);
        Assert.True(after < 0.7 * before, $"cross-entropy went from {before} to {after}");
        Assert.Contains("doubly stochastic term", texts, StringComparison.Ordinal);
        // The self-critical section runs and reports its reward (printed, not asserted to rise: 80 noisy steps teach the
        // mechanics; whether the policy improves is what SelfCriticalObjectiveTests checks).
        Assert.Matches(RewardLine(), texts);
    }

    [Fact]
    public void Evaluation()
    {
        var notebook = ExecutedNotebook.Load("07-evaluation.ipynb");

        Assert.True(notebook.Charts().Count >= 3, "per-image CIDEr-D, caption lengths and vocabulary use are charts");
        Assert.Contains(notebook.Htmls(), h => h.Contains("BLEU-4", StringComparison.Ordinal) && h.Contains("19.5", StringComparison.Ordinal));
        Assert.Contains(notebook.Texts(), t => t.StartsWith("distinct words: ", StringComparison.Ordinal));
        Assert.Contains(notebook.Htmls(), h => h.StartsWith("<h4>Best</h4>", StringComparison.Ordinal) && h.Contains("data:image/jpeg;base64,", StringComparison.Ordinal));
        Assert.Contains(notebook.Htmls(), h => h.StartsWith("<h4>Worst</h4>", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"<script[^>]*\bsrc\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptSource();

    [GeneratedRegex(@"^ids: \[1, (\d+, )+2\]")]
    private static partial Regex StartEndIds();

    [GeneratedRegex(@"\d+(\.\d+)?(E-?\d+)?")]
    private static partial Regex Numbers();

    [GeneratedRegex("\"zmax\":([0-9.]+)")]
    private static partial Regex ZMax();

    [GeneratedRegex(@"greedy CIDEr-D reward on the 50 training images: [\d.]+ before, [\d.]+ after 80 self-critical steps")]
    private static partial Regex RewardLine();

    [GeneratedRegex(@"cross-entropy (?<before>[\d.]+) → (?<after>[\d.]+) nats per word")]
    private static partial Regex LossLine();
}
