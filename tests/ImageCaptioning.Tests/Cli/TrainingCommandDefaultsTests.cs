using System.CommandLine;
using ImageCaptioning.Cli.Commands;
using ImageCaptioning.Training;

namespace ImageCaptioning.Tests.Cli;

/// <summary>`train` and `train-scst` without options run with the options types' defaults (their `--help` shows them).</summary>
public class TrainingCommandDefaultsTests
{
    private static T Default<T>(Command command, string option) => command.Parse([]).GetValue<T>(option)!;

    public static TheoryData<string> Commands => ["train", "train-scst"];

    [Theory]
    [MemberData(nameof(Commands))]
    public void TheLoopSettingsDefaultToTheObjectivesOptions(string name)
    {
        var (command, defaults) = name == "train"
            ? (TrainCommand.Create(), (TrainingRunOptions)new TrainingOptions())
            : (TrainScstCommand.Create(), new SelfCriticalOptions());

        Assert.Equal(defaults.Epochs, Default<int>(command, "--epochs"));
        Assert.Equal(defaults.LearningRate, Default<float>(command, "--lr"));
        Assert.Equal(defaults.WarmupSteps, Default<int>(command, "--warmup"));
        Assert.Equal(defaults.CoverageLambda, Default<float>(command, "--coverage"));
        Assert.Equal(defaults.AttentionEntropy, Default<float>(command, "--attention-entropy"));
        Assert.Equal(defaults.WeightDecay, Default<float>(command, "--weight-decay"));
        Assert.Equal(0f, Default<float>(command, "--average-decay"));   // off unless asked for: the weights as trained
        Assert.Equal(defaults.AverageDecay, Default<float>(command, "--average-decay"));
        Assert.Equal(defaults.EvaluateEverySteps, Default<int>(command, "--eval-every"));
        Assert.Equal(defaults.Patience, Default<int>(command, "--patience"));
        Assert.Equal(defaults.Seed, Default<int>(command, "--seed"));
        Assert.Equal(defaults.MaxSteps, command.Parse([]).GetValue<long?>("--max-steps"));
        Assert.Equal(DevSetEvaluator.DefaultBeamWidth, Default<int>(command, "--dev-beam"));
    }

    [Fact]
    public void TrainsOwnSettingsDefaultToTrainingOptionsAndTheModelConfig()
    {
        var command = TrainCommand.Create();
        var defaults = new TrainingOptions();
        var network = new ImageCaptioning.Model.DecoderConfig();

        Assert.Equal(defaults.BatchSize, Default<int>(command, "--batch"));
        Assert.Equal(defaults.LabelSmoothing, Default<float>(command, "--label-smoothing"));
        Assert.Equal(defaults.FeatureDropout, Default<float>(command, "--feature-dropout"));
        Assert.Equal(defaults.EmbeddingDropout, Default<float>(command, "--embedding-dropout"));
        Assert.Equal(network.Dropout, Default<float>(command, "--dropout"));
        Assert.Equal(network.HiddenDim, Default<int>(command, "--hidden"));
    }

    [Fact]
    public void TrainScstsOwnSettingsDefaultToSelfCriticalOptions()
    {
        var command = TrainScstCommand.Create();
        var defaults = new SelfCriticalOptions();

        Assert.Equal(defaults.ImagesPerBatch, Default<int>(command, "--images-per-batch"));
        Assert.Equal(defaults.SamplesPerImage, Default<int>(command, "--samples"));
        Assert.Equal(defaults.MaxLength, Default<int>(command, "--max-length"));
        Assert.Equal(defaults.Temperature, Default<float>(command, "--temperature"));
        Assert.Equal(defaults.Dropout, Default<float>(command, "--dropout"));
        Assert.Equal(defaults.Baseline, Default<SelfCriticalBaseline>(command, "--baseline"));
        Assert.Equal(0f, Default<float>(command, "--xe-weight"));   // off unless asked for: today's pure policy gradient
        Assert.Equal(defaults.XeWeight, Default<float>(command, "--xe-weight"));
        Assert.Equal(defaults.XeLabelSmoothing, Default<float>(command, "--xe-label-smoothing"));
        Assert.Equal(defaults.XeReferencesPerImage, Default<int>(command, "--xe-references"));
        Assert.Equal(defaults.UnigramPrecisionWeight, Default<float>(command, "--unigram-precision-weight"));
    }
}
