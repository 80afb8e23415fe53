namespace ImageCaptioning.Tags;

/// <summary>The regular English plural of a lower-case noun: cat → cats, bus → buses, puppy → puppies (no irregular forms).</summary>
public static class EnglishPlural
{
    public static string Of(string word)
    {
        ArgumentException.ThrowIfNullOrEmpty(word);
        return word.EndsWith('y') && word.Length > 1 && !"aeiou".Contains(word[^2]) ? word[..^1] + "ies"
            : word.EndsWith('s') || word.EndsWith("sh") || word.EndsWith("ch") || word.EndsWith('x') ? word + "es"
            : word + "s";
    }
}
