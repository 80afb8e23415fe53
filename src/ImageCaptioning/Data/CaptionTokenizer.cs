namespace ImageCaptioning.Data;

/// <summary>
/// Turns a caption into words, the same way for training, vocabulary building and evaluation
/// (it follows Karpathy's widely used Flickr8k preprocessing, so vocabulary sizes are comparable).
/// <para>The rules, applied in this order:</para>
/// <list type="number">
/// <item>lower-case every character (culture-invariant, so the result never depends on the machine);</item>
/// <item>drop every character that is not a letter, a digit or whitespace — punctuation is deleted, not
/// turned into a space, so <c>"dog's"</c> → <c>dogs</c>, <c>"t-shirt"</c> → <c>tshirt</c>, <c>"3.5"</c> → <c>35</c>,
/// and a lone <c>"."</c> or <c>","</c> disappears;</item>
/// <item>split on runs of whitespace; empty pieces are discarded.</item>
/// </list>
/// Example: <c>"A dog's T-shirt , RED!"</c> → <c>[a, dogs, tshirt, red]</c>. An empty or all-punctuation caption gives no words.
/// The special tokens (<c>&lt;pad&gt;</c> etc.) can never come out of the tokenizer because it drops '&lt;' and '&gt;'.
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
