using System.Collections.Frozen;

namespace ImageCaptioning.Metrics;

/// <summary>
/// coco-caption's tokenisation (<c>pycocoevalcap/tokenizer/ptbtokenizer.py</c>: CoreNLP 3.4.1
/// <c>PTBTokenizer -preserveLines -lowerCase</c>, then its punctuation list) without Java: <see cref="PtbLexer"/> splits
/// (and americanizes), tokens are lower-cased, listed punctuation is dropped.
/// </summary>
/// <remarks>
/// The reference's quirks are kept so numbers match: brackets become "-lrb-"/"-rrb-" and stay, "?!" stays, "'s" and "n't"
/// split off, abbreviations keep their period ("mr.", "d.c."). Not modelled: URLs with a scheme, e-mail addresses, phone
/// numbers, "5 1/2", SGML entities; none occurs in Flickr8k's references. The rules follow CoreNLP's PTBLexer.flex source.
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
