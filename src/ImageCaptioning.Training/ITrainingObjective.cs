using ImageCaptioning.Training.Autograd;

namespace ImageCaptioning.Training;

/// <summary>
/// What a <see cref="TrainingRun"/> trains for: the per-batch loss (cross-entropy, self-critical policy gradient).
/// The run owns everything around it — schedule, optimiser, checkpoints, resume, budgets, dev evaluation, logs.
/// </summary>
public interface ITrainingObjective
{
    /// <summary>The decoder whose weights the run updates, checkpoints and evaluates.</summary>
    TrainableDecoder Model { get; }
    TrainingRunOptions Options { get; }
    RunLogFormat Log { get; }
    int BatchesPerEpoch { get; }
    /// <summary>True when the run starts from a trained model: its dev score is the bar a saved model has to clear.</summary>
    bool ScoresStartingModel { get; }

    /// <summary>Records batch <paramref name="at"/>'s loss on <paramref name="tape"/>; the run back-propagates it.</summary>
    /// <remarks>Depends only on the options and <paramref name="at"/>, so a resumed run sees the same batches.</remarks>
    BatchLoss Forward(Tape tape, BatchPosition at);
}

/// <summary>Where the run stands when it asks for a batch: <paramref name="Step"/> counts optimiser steps taken so far.</summary>
public readonly record struct BatchPosition(int Epoch, int Batch, long Step);

/// <param name="Loss">The scalar to minimise.</param>
/// <param name="Tokens">Predicted words in the batch (for tokens/s and the step log).</param>
/// <param name="Summary">The figure the console shows and the epoch record averages (cross-entropy, mean reward).</param>
/// <param name="Figures">The objective's own step-log columns, in <see cref="RunLogFormat.FigureColumns"/> order.</param>
/// <param name="Note">A line for the console (what the policy writes now), or null.</param>
public sealed record BatchLoss(Tensor Loss, int Tokens, double Summary, double[] Figures, string? Note = null);

/// <summary>An objective's file names and step-log columns in the run folder.</summary>
/// <param name="SummaryColumn">Name of <see cref="BatchLoss.Summary"/> in the epoch record (<c>train_…</c>).</param>
/// <param name="SummaryLabel">Short name of the summary on the console.</param>
public sealed record RunLogFormat(string OptionsFile, string StepsFile, string EvaluationsFile, string FigureColumns,
    string SummaryColumn, string SummaryLabel)
{
    public string StepsHeader => $"step,epoch,loss,{FigureColumns},learning_rate,grad_norm,tokens,seconds";
}
