using ImageCaptioning.Web.Hosting;

namespace ImageCaptioning.Web.Tests.Units;

public sealed class ModelCardSummaryTests
{
    [Fact]
    public void Reads_the_title_and_the_value_column_of_each_metric_row()
    {
        const string card = """
            # Decoder model `flickr8k-mobilenetv2`

            Some text | with a pipe.

            | metric | this model | paper (Xu et al.) |
            | --- | --- | --- |
            | BLEU-1 | 0.6012 | 0.67 |
            | **BLEU-4** | **0.2034** | 0.213 |
            | ROUGE-L | 0.4711 | – |
            | CIDEr-D | 0.5120 | – |
            | METEOR | not computed | 0.20 |
            | parameters | 5,000,000 | |
            """;
        var summary = ModelCardSummary.Parse(card);
        Assert.Equal("Decoder model `flickr8k-mobilenetv2`", summary.Title);
        Assert.Equal(0.6012, summary.Metrics["BLEU-1"]);
        Assert.Equal(0.2034, summary.Metrics["BLEU-4"]);
        Assert.Equal(0.4711, summary.Metrics["ROUGE-L"]);
        Assert.Equal(0.5120, summary.Metrics["CIDEr-D"]);
        Assert.False(summary.Metrics.ContainsKey("METEOR")); // the model's cell says "not computed"; the paper's number is not ours
        Assert.Equal(4, summary.Metrics.Count);
    }

    [Fact]
    public void The_shipped_model_card_gives_the_page_its_headline_metrics()
    {
        // The page shows these; a card whose tables all put metrics in columns would leave it saying "no measured quality".
        string card = File.ReadAllText(Path.Combine(TestData.RepositoryRoot(), "models", "flickr8k-mobilenetv2", ModelCardSummary.FileName));
        var summary = ModelCardSummary.Parse(card);
        // The values themselves are checked against a real run of the whole test split by ShippedModelQualityTests.
        Assert.Equal(["BLEU-1", "BLEU-2", "BLEU-3", "BLEU-4", "ROUGE-L", "CIDEr-D"], summary.Metrics.Keys);
    }

    [Fact]
    public void A_card_without_measurements_gives_no_metrics()
    {
        var summary = ModelCardSummary.Parse("# Decoder model `x`\n\nNo measured quality is recorded for this model.\n\n| tensor | shape |\n| --- | --- |\n| `lstm.bias` | [2048] |\n");
        Assert.Equal("Decoder model `x`", summary.Title);
        Assert.Empty(summary.Metrics);
    }
}
