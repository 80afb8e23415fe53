namespace ImageCaptioning.Decoding;

/// <summary>
/// "a" or "an" before a word, by its first sound as English spelling usually gives it ("an owl", "a pig", "a unicorn",
/// "an hour"). Guided decoding needs it because the article is written before the search knows which word follows.
/// </summary>
public static class IndefiniteArticle
{
    private static readonly string[] VowelLettersSoundingLikeConsonants = ["uni", "use", "usu", "uti", "ure", "eu", "ewe", "one", "once"];
    private static readonly string[] SilentH = ["hour", "honest", "honor", "honour", "heir"];

    /// <summary>"an" when <paramref name="word"/> starts with a vowel sound, else "a".</summary>
    public static string For(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        string w = word.ToLowerInvariant();
        if (SilentH.Any(w.StartsWith)) return "an";
        if (w.Length == 0 || !"aeiou".Contains(w[0])) return "a";
        return VowelLettersSoundingLikeConsonants.Any(w.StartsWith) ? "a" : "an";
    }

    /// <summary>Whether <paramref name="word"/> is "a" or "an".</summary>
    public static bool IsArticle(string word) => word is "a" or "an";
}
