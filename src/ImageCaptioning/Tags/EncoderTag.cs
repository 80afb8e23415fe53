using ImageCaptioning.Encoder;

namespace ImageCaptioning.Tags;

/// <summary>A caption word the encoder's ImageNet head gives evidence for.</summary>
/// <param name="Word">A vocabulary word, e.g. "cat".</param>
/// <param name="Probability">
/// The summed softmax probability of every class that stands for the word (its table words or its group): the classes
/// are exclusive outcomes, so the sum is the probability the encoder gives the word.
/// </param>
/// <param name="SourceClasses">The classes that contribute most, most probable first.</param>
public sealed record EncoderTag(string Word, float Probability, IReadOnlyList<ClassProbability> SourceClasses)
{
    /// <summary>
    /// Null for a vocabulary word; for a novel word (a class's own name outside the vocabulary, e.g. "pig") what guided decoding
    /// writes it with (<see cref="NovelWord"/>).
    /// </summary>
    public NovelWord? Novel { get; init; }
}
