namespace ImageCaptioning.Data;

/// <summary>
/// Turns a caption into words the same way for training, vocabulary and evaluation, after Karpathy's Flickr8k
/// preprocessing (so vocabulary sizes are comparable): lower-case (invariant culture), delete every character that is not
/// a letter, digit or whitespace (deleted, not turned into a space), split on whitespace.
/// Example: <c>"A dog's T-shirt , RED!"</c> → <c>[a, dogs, tshirt, red]</c>. Special tokens cannot come out: '&lt;' is deleted.
/// </summary>
public static class CaptionTokenizer
{
    /// <summary>The caption's words under the rules above.</summary>
    public static IReadOnlyList<string> Tokenize(string caption)
    {
        ArgumentNullException.ThrowIfNull(caption);
        var words = new List<string>(16);
        var word = new System.Text.StringBuilder(16);
        foreach (char c in caption)
        {
            if (char.IsWhiteSpace(c))
            {
                Flush(word, words);
            }
            else if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            // anything else (punctuation, symbols, lone surrogates) is dropped without splitting the word
        }
        Flush(word, words);
        return words;
    }

    private static void Flush(System.Text.StringBuilder word, List<string> words)
    {
        if (word.Length == 0)
            return;
        words.Add(word.ToString());
        word.Clear();
    }
}
