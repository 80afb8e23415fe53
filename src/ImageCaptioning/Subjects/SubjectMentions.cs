using System.Text.RegularExpressions;

namespace ImageCaptioning.Subjects;

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
    public static bool NamesSubject(string caption, IReadOnlyList<string> subjects)
    {
        string[] words = Words(caption);
        return subjects.Any(subject => ContainsPhrase(words, Words(subject)));
    }

    /// <summary>True when the caption says dog, dogs, puppy or puppies.</summary>
    public static bool MentionsDog(string caption) => Words(caption).Any(DogWords.Contains);

    private static bool ContainsPhrase(string[] words, string[] phrase)
    {
        if (phrase.Length == 0) return false;
        for (int i = 0; i + phrase.Length <= words.Length; i++)
            if (words.AsSpan(i, phrase.Length).SequenceEqual(phrase)) return true;
        return false;
    }
}
