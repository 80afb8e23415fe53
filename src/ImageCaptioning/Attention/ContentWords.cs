namespace ImageCaptioning.Attention;

/// <summary>
/// Which caption words count as content words (nouns, verbs, adjectives) for the attention statistics, without a
/// part-of-speech tagger: a word is a content word unless it is one of English's closed-class words listed here
/// (articles and determiners, pronouns, prepositions, conjunctions, auxiliary and copular verbs, cardinal numbers,
/// negation and a few particles and adverbs), or a special token. Closed classes are small and fixed, so the list is
/// complete for Flickr8k's vocabulary; what it cannot do is read context: "back" and "front" stay content words even
/// in "in front of", "has" is always an auxiliary, and open-class adverbs such as "together" are not excluded.
/// </summary>
public static class ContentWords
{
    /// <summary>The closed-class words that are never content words.</summary>
    public static IReadOnlySet<string> FunctionWords { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        // articles, determiners, quantifiers
        "a", "an", "the", "this", "that", "these", "those", "each", "every", "some", "any", "all", "another", "other",
        "others", "both", "either", "neither", "many", "several", "few", "much", "more", "most", "no", "such", "own",
        "same", "lot", "lots",
        // pronouns, possessives, wh-words
        "i", "me", "my", "we", "us", "our", "you", "your", "he", "him", "his", "she", "her", "hers", "it", "its", "they",
        "them", "their", "theirs", "himself", "herself", "itself", "themselves", "who", "whom", "whose", "which", "what",
        "where", "when", "why", "how", "someone", "something", "somebody", "anyone", "anything", "everyone", "everything",
        "nobody", "nothing", "one", "ones",
        // prepositions and prepositional adverbs
        "in", "on", "at", "of", "to", "with", "by", "for", "from", "into", "onto", "over", "under", "through", "across",
        "along", "around", "behind", "beside", "besides", "between", "near", "next", "off", "out", "up", "down", "above",
        "below", "against", "toward", "towards", "after", "before", "during", "past", "about", "among", "amongst", "upon",
        "within", "without", "inside", "outside", "beneath", "underneath", "via", "like", "than", "atop", "throughout",
        "beyond", "alongside", "opposite", "nearby", "away", "together", "onward", "ahead", "aside",
        // conjunctions
        "and", "or", "but", "while", "whilst", "so", "because", "if", "though", "although", "then", "nor", "yet", "as",
        "whether", "until", "since",
        // auxiliary and copular verbs, modals
        "is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "having", "does", "do", "did",
        "can", "could", "will", "would", "may", "might", "must", "shall", "should",
        // cardinal numbers
        "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "dozen",
        // negation, particles, degree adverbs, the clitic 's
        "not", "very", "there", "here", "too", "also", "just", "only", "s", "almost", "still", "even", "really", "quite",
    };

    /// <summary>True for a content word: not a special token (&lt;end&gt;, …) and not in <see cref="FunctionWords"/>.</summary>
    public static bool IsContentWord(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return word.Length > 0 && !word.StartsWith('<') && !FunctionWords.Contains(word.ToLowerInvariant());
    }
}
