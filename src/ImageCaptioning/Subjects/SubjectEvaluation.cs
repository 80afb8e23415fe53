using ImageCaptioning.Tags;

namespace ImageCaptioning.Subjects;

/// <summary>What the captioner and the tagger said about one dev-set photo.</summary>
/// <param name="Label">The photo and its labels.</param>
/// <param name="Caption">The caption, as text.</param>
/// <param name="Tags">The encoder's tags (every word with probability ≥ the tagger's floor), most probable first.</param>
/// <param name="DogProbability">The summed probability of the dog group (every dog breed).</param>
public sealed record SubjectObservation(SubjectLabel Label, string Caption, IReadOnlyList<EncoderTag> Tags, float DogProbability)
{
    /// <summary>The caption names the subject (<see cref="SubjectWordMatch.SingularOrPlural"/>: "crabs" names a crab).</summary>
    public bool CaptionNamesSubject => SubjectMentions.NamesSubject(Caption, Label.Subjects);

    /// <summary>The caption names the subject with exactly a listed word (<see cref="SubjectWordMatch.ExactWords"/>).</summary>
    public bool CaptionNamesSubjectExactly => SubjectMentions.NamesSubject(Caption, Label.Subjects, SubjectWordMatch.ExactWords);
    public bool CaptionMentionsDog => SubjectMentions.MentionsDog(Caption);
    /// <summary>The encoder's best guess: the most probable tag unless the caller names a better one (<see cref="ImageNetTagger.BestGuess"/>).</summary>
    public EncoderTag? TopTag { get; init; } = Tags.Count > 0 ? Tags[0] : null;
    public bool TopTagNamesSubject => TopTag is { } tag && SubjectMentions.NamesSubject(tag.Word, Label.Subjects);
    /// <summary>The top tag names the subject or one of its generic categories: a word a guided caption could use without lying.</summary>
    public bool TopTagIsRight => TopTag is { } tag && SubjectMentions.NamesSubject(tag.Word, [.. Label.Subjects, .. Label.Categories]);
}

/// <summary>How often the top tag names the subject when it is at least <paramref name="Threshold"/> probable.</summary>
/// <param name="Confident">Photos whose top tag reaches the threshold.</param>
/// <param name="Correct">Of those, photos whose top tag names the subject.</param>
/// <param name="Right">Of those, photos whose top tag names the subject or a generic category of it (not wrong).</param>
/// <param name="Photos">All photos (the denominator of <see cref="Coverage"/>).</param>
public sealed record TagThresholdRow(float Threshold, int Confident, int Correct, int Right, int Photos)
{
    public double Precision => Confident == 0 ? 0 : (double)Correct / Confident;
    public double RightRate => Confident == 0 ? 0 : (double)Right / Confident;
    public double Coverage => Photos == 0 ? 0 : (double)Confident / Photos;
}

/// <summary>
/// What a "no dog unless the dog classes say so" rule would do at <paramref name="Threshold"/>: of the dog-free photos whose
/// caption has a dog, how many have P(dog group) below it (the rule would remove the dog), and how many photos with a
/// dog fall below it too (the rule would wrongly forbid the word).
/// </summary>
public sealed record DogRuleRow(float Threshold, int FalseDogsBlocked, int FalseDogs, int DogPhotosBlocked, int DogPhotos);

/// <summary>The dev-set figures: subject-mention rate, dogs in dog-free photos, and the tags' accuracy at thresholds.</summary>
public sealed class SubjectEvaluation
{
    /// <summary>The thresholds reported for the top tag.</summary>
    public static IReadOnlyList<float> DefaultThresholds { get; } = [0.05f, 0.3f, 0.5f, 0.7f, 0.9f];

    public SubjectEvaluation(IReadOnlyList<SubjectObservation> observations, IReadOnlyList<float>? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(observations);
        Observations = observations;
        Photos = observations.Count;
        SubjectNamed = observations.Count(o => o.CaptionNamesSubject);
        SubjectNamedExactly = observations.Count(o => o.CaptionNamesSubjectExactly);
        DogFreePhotos = observations.Count(o => !o.Label.HasDog);
        DogInDogFree = observations.Count(o => !o.Label.HasDog && o.CaptionMentionsDog);
        TagRows = [.. (thresholds ?? DefaultThresholds).Select(t => new TagThresholdRow(t,
            observations.Count(o => o.TopTag is { } tag && tag.Probability >= t),
            observations.Count(o => o.TopTag is { } tag && tag.Probability >= t && o.TopTagNamesSubject),
            observations.Count(o => o.TopTag is { } tag && tag.Probability >= t && o.TopTagIsRight),
            observations.Count))];
    }

    public IReadOnlyList<SubjectObservation> Observations { get; }
    public int Photos { get; }
    /// <summary>Photos whose caption names the subject, a plural or singular counting (<see cref="SubjectWordMatch.SingularOrPlural"/>).</summary>
    public int SubjectNamed { get; }

    /// <summary>Photos whose caption names the subject with exactly a listed word (<see cref="SubjectWordMatch.ExactWords"/>).</summary>
    public int SubjectNamedExactly { get; }
    public int DogFreePhotos { get; }
    public int DogInDogFree { get; }
    public IReadOnlyList<TagThresholdRow> TagRows { get; }

    /// <summary>The dog rule's effect at each threshold (see <see cref="DogRuleRow"/>).</summary>
    public IReadOnlyList<DogRuleRow> DogRule(IReadOnlyList<float> thresholds) =>
        [.. thresholds.Select(t => new DogRuleRow(t,
            Observations.Count(o => !o.Label.HasDog && o.CaptionMentionsDog && o.DogProbability < t),
            DogInDogFree,
            Observations.Count(o => o.Label.HasDog && o.DogProbability < t),
            Photos - DogFreePhotos))];

    public double SubjectMentionRate => Photos == 0 ? 0 : (double)SubjectNamed / Photos;
    public double DogInDogFreeRate => DogFreePhotos == 0 ? 0 : (double)DogInDogFree / DogFreePhotos;
}
