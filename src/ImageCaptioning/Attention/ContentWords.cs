namespace ImageCaptioning.Attention;

/// <summary>
/// Content words (nouns, verbs, adjectives) for the attention statistics, without a part-of-speech tagger: every word
/// except the closed-class words listed here and special tokens. Closed classes are small and fixed, so the list covers
/// Flickr8k; it cannot read context ("front" in "in front of" stays a content word, "has" is always an auxiliary).
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

    /// <summary>Per vocabulary id, whether its word is a content word (special tokens and &lt;unk&gt; are not).</summary>
    public static bool[] Mask(Data.Vocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        return [.. vocabulary.Tokens.Select(IsContentWord)];
    }
}
