namespace ImageCaptioning.Subjects;

/// <summary>One photo of the subject dev set (<c>data/subjects/labels.tsv</c>).</summary>
/// <param name="ImagePath">Full path of the photo.</param>
/// <param name="Subjects">Words or phrases that each name the photo's main subject (any one counts), lower case.</param>
/// <param name="HasDog">Whether a dog is in the photo.</param>
/// <param name="Categories">Generic words that are right but do not name the subject (a pig: "animal"), lower case.</param>
/// <param name="Licence">The photo's licence, as recorded.</param>
public sealed record SubjectLabel(string ImagePath, IReadOnlyList<string> Subjects, bool HasDog, IReadOnlyList<string> Categories, string Licence);
