using System.Text.RegularExpressions;
using ImageCaptioning.Tags;

namespace ImageCaptioning.Subjects;

/// <summary>How a caption's words must match a subject's.</summary>
public enum SubjectWordMatch
{
    /// <summary>Exactly the listed words: "crabs" does not name a "crab".</summary>
    ExactWords,

    /// <summary>
    /// The listed words, or the regular plural or singular of a subject's last word (<see cref="EnglishPlural"/>): "crabs"
    /// names a "crab", "polar bears" a "polar bear", "giraffe" a "giraffes". The same rule for every photo.
    /// </summary>
    SingularOrPlural,
}

/// <summary>Whether a caption (or a tag) names a photo's subject, or mentions a dog. Matching is on whole lower-case words.</summary>
public static partial class SubjectMentions
{
    /// <summary>Words that put a dog into a caption.</summary>
    public static IReadOnlySet<string> DogWords { get; } = new HashSet<string>(StringComparer.Ordinal) { "dog", "dogs", "puppy", "puppies" };

    /// <summary>The caption's words, lower case, split at everything that is not a letter.</summary>
    public static string[] Words(string text) =>
        [.. LetterRuns().Matches(text.ToLowerInvariant()).Select(m => m.Value)];

    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex LetterRuns();

    /// <summary>True when one of <paramref name="subjects"/> (a word or a phrase) occurs in <paramref name="caption"/> as whole words.</summary>
    public static bool NamesSubject(string caption, IReadOnlyList<string> subjects, SubjectWordMatch match = SubjectWordMatch.SingularOrPlural)
    {
        string[] words = Words(caption);
        return subjects.Any(subject => ContainsPhrase(words, Words(subject), match));
    }

    /// <summary>True when the caption says dog, dogs, puppy or puppies.</summary>
    public static bool MentionsDog(string caption) => Words(caption).Any(DogWords.Contains);

    private static bool ContainsPhrase(string[] words, string[] phrase, SubjectWordMatch match)
    {
        if (phrase.Length == 0) return false;
        for (int i = 0; i + phrase.Length <= words.Length; i++)
        {
            int last = phrase.Length - 1;
            if (words.AsSpan(i, last).SequenceEqual(phrase.AsSpan(0, last)) && SameNoun(words[i + last], phrase[last], match))
                return true;
        }
        return false;
    }

    private static bool SameNoun(string word, string subject, SubjectWordMatch match) =>
        word == subject
        || (match == SubjectWordMatch.SingularOrPlural && (word == EnglishPlural.Of(subject) || EnglishPlural.Of(word) == subject));
}
