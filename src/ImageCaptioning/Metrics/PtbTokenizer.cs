using System.Collections.Frozen;

namespace ImageCaptioning.Metrics;

/// <summary>
/// The tokenisation step of coco-caption (<c>pycocoevalcap/tokenizer/ptbtokenizer.py</c>), in C#.
/// coco-caption pipes every caption through Stanford CoreNLP 3.4.1's <c>PTBTokenizer -preserveLines -lowerCase</c>
/// (Java) and then drops the tokens in its punctuation list. This class does the same steps without Java:
/// <see cref="PtbLexer"/> splits the caption the way PTBLexer does (including its default British → American
/// respelling, see <see cref="Americanize"/>), every token is lower-cased, and the listed punctuation is removed.
/// </summary>
/// <remarks>
/// <para>Faithful quirks, kept on purpose so numbers match the reference:</para>
/// <list type="bullet">
/// <item>Brackets become "-lrb-"/"-rrb-" and STAY: coco-caption's list holds "-LRB-" in upper case, but the
/// Java tokenizer has already lower-cased it.</item>
/// <item>"?!" or "!!" stay (PTB makes one token of a run; only a lone "?" or "!" is in the list).</item>
/// <item>Possessive and contraction pieces stay: "man's" → "man" "'s", "don't" → "do" "n't".</item>
/// <item>"grey" → "gray", "colourful" → "colorful" (lower-case words only; "Grey" stays "grey").</item>
/// <item>Abbreviations and acronyms keep their period: "Mr." → "mr.", "D.C." → "d.c.".</item>
/// </list>
/// <para>Where we differ from the Java tokenizer: URLs with a scheme (http://...), e-mail addresses, phone
/// numbers, fractions written with a space ("5 1/2") and SGML entities (&amp;amp;) are not modelled, and the rule
/// list follows CoreNLP's PTBLexer.flex of that era as read from source, not the 3.4.1 jar itself (no Java
/// tokenizer could be run here). None of these constructs occurs in Flickr8k's references, which are already
/// space-separated ASCII: besides words, hyphenated words and numbers they contain only quotes, ", ; : ! ?",
/// 's / n't / 'n', o'clock, brackets, # and &amp;, a few acronyms (D.C., Mr.) and two ".com" names, all of which
/// the rules here cover; so the difference on Flickr8k is expected to be nil, and negligible on model output.</para>
/// </remarks>
public static class PtbTokenizer
{
    /// <summary>coco-caption's PUNCTUATIONS list, verbatim (compared with the lower-cased tokens).</summary>
    public static readonly IReadOnlyList<string> RemovedPunctuation =
        ["''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-", ".", "?", "!", ",", ":", "-", "--", "...", ";"];

    private static readonly FrozenSet<string> Removed = RemovedPunctuation.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Lower-cased PTB tokens of <paramref name="caption"/> without punctuation; empty for an empty caption.</summary>
    public static IReadOnlyList<string> Tokenize(string caption)
    {
        ArgumentNullException.ThrowIfNull(caption);
        var raw = new List<string>();
        PtbLexer.Tokenize(caption, raw);
        var tokens = new List<string>(raw.Count);
        foreach (string token in raw)
        {
            // Java lower-cases with Locale.ENGLISH; invariant casing is the same for the characters captions use.
            string lower = token.ToLowerInvariant();
            if (lower.Length > 0 && !Removed.Contains(lower)) // a token of soft hyphens alone is empty
                tokens.Add(lower);
        }
        return tokens;
    }

    /// <summary>The tokens joined by single spaces: the string coco-caption hands to its scorers.</summary>
    public static string TokenizeToString(string caption) => string.Join(' ', Tokenize(caption));
}
