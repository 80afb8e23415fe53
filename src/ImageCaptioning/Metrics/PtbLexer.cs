using System.Text;

namespace ImageCaptioning.Metrics;

/// <summary>
/// Splits text into Penn Treebank tokens by the rules of CoreNLP's PTBLexer (the tokenizer coco-caption runs), keeping
/// case and PTB's forms ("(" → "-LRB-", "don't" → "do" "n't"); <see cref="PtbTokenizer"/> lower-cases and drops punctuation.
/// </summary>
/// <remarks>
/// As in JFlex, each step takes the longest match (trailing context included), the earlier rule winning a tie. Text is cut
/// at whitespace first: the PTB rules that look across a space only choose between forms coco-caption removes anyway.
/// </remarks>
internal static partial class PtbLexer
{
    private enum Rule
    {
        None, Cannot, Sgml, Dash, WordBeforeContraction, StemBeforeNegation, Word, ApostropheWord, ApostropheY,
        Url, Contraction, Negation, Number, SlashCompound, Special, Currency, Acronym, Abbreviation, Quote,
        Symbol, Ignored, Bracket, Hyphens, Dots, Marks, Asterisks, ClausePunctuation, QuestionExclamation,
        Thing, UppercaseCompound, OpeningQuote, MiscSymbol,
    }

    /// <summary>Appends the PTB tokens of <paramref name="text"/> to <paramref name="tokens"/>.</summary>
    public static void Tokenize(string text, List<string> tokens)
    {
        int i = 0;
        while (i < text.Length)
        {
            if (IsSeparator(text[i])) { i++; continue; }
            int end = i;
            while (end < text.Length && !IsSeparator(text[end])) end++;
            TokenizeChunk(text.AsSpan(i, end - i), tokens);
            i = end;
        }
    }

    private static bool IsSeparator(char c) =>
        char.IsWhiteSpace(c) || c is '\0' or '\u200B' or '\u200E' or '\u200F' or '\uFEFF';

    private static void TokenizeChunk(ReadOnlySpan<char> s, List<string> tokens)
    {
        // Fast path: a plain lower-case word lacks every character the other rules need, so Word takes it whole ("cannot" aside).
        if (!s.ContainsAnyExceptInRange('a', 'z') && !s.SequenceEqual("cannot"))
        {
            tokens.Add(Americanize.Apply(s.ToString()));
            return;
        }
        int i = 0;
        while (i < s.Length)
        {
            var (rule, length) = LongestMatch(s, i);
            i += Emit(rule, s, i, length, tokens);
        }
    }

    /// <summary>The rule with the longest match at <paramref name="i"/>; ties go to the earlier rule.</summary>
    private static (Rule Rule, int Length) LongestMatch(ReadOnlySpan<char> s, int i)
    {
        Rule best = Rule.None;
        int bestLength = 0;
        void Consider(Rule rule, int length)
        {
            if (length > bestLength) { best = rule; bestLength = length; }
        }

        int letters = LetterRun(s, i);
        Consider(Rule.Cannot, s[i..].StartsWith("cannot", StringComparison.OrdinalIgnoreCase) ? 6 : 0);
        Consider(Rule.Sgml, Sgml(s, i));
        Consider(Rule.Dash, s[i] is '\u0096' or '\u0097' or '\u2013' or '\u2014' or '\u2015' ? 1 : 0);
        if (letters > 0)
        {
            int contraction = ContractionCore(s, i + letters);
            Consider(Rule.WordBeforeContraction, contraction > 0 ? letters + contraction : 0);
        }
        Consider(Rule.StemBeforeNegation, StemBeforeNegation(s, i));
        Consider(Rule.Word, letters);
        Consider(Rule.ApostropheWord, ApostropheWord(s, i));
        // y'all → "y'" "all": the following letter is trailing context.
        Consider(Rule.ApostropheY, i + 2 < s.Length && s[i] is 'y' or 'Y' && IsApostrophe(s[i + 1]) && char.IsLetter(s[i + 2]) ? 3 : 0);
        Consider(Rule.Url, Url(s, i));
        Consider(Rule.Contraction, Contraction(s, i));
        Consider(Rule.Negation, Negation(s, i));
        Consider(Rule.Number, Number(s, i));
        Consider(Rule.SlashCompound, SlashCompound(s, i));
        Consider(Rule.Special, Special(s, i));
        Consider(Rule.Currency, Currency(s, i));
        Consider(Rule.Acronym, Acronym(s, i));
        Consider(Rule.Abbreviation, Abbreviation(s, i, letters));
        Consider(Rule.Quote, s[i] == '"' ? 1 : 0);
        Consider(Rule.Symbol, s[i] is '+' or '%' or '&' or '\u2030' or '\u2031' or '~' or '^' or '=' or '\u00A1' or '\u00BF' ? 1 : 0);
        Consider(Rule.Ignored, s[i] is '|' or '\\' or '\u007F' ? 1 : 0);
        Consider(Rule.Bracket, s[i] is '(' or ')' or '[' or ']' or '<' or '>' or '{' or '}' ? 1 : 0);
        Consider(Rule.Hyphens, Run(s, i, '-'));
        Consider(Rule.Dots, Dots(s, i));
        Consider(Rule.Marks, s[i] is '@' or '#' or '_' ? Run(s, i, s[i]) : 0);
        Consider(Rule.Asterisks, Run(s, i, '*'));
        Consider(Rule.ClausePunctuation, s[i] is ',' or ';' or ':' ? 1 : 0);
        Consider(Rule.QuestionExclamation, QuestionExclamation(s, i));
        Consider(Rule.Thing, Thing(s, i));
        Consider(Rule.UppercaseCompound, UppercaseCompound(s, i));
        // ' before a letter and one more non-space character opens a quote ('slide → ` slide); both follow as context.
        Consider(Rule.OpeningQuote, i + 2 < s.Length && s[i] == '\'' && char.IsAsciiLetter(s[i + 1]) ? 3 : 0);
        Consider(Rule.Quote, QuoteMarks(s, i));
        Consider(Rule.MiscSymbol, IsMiscSymbol(s[i]) ? 1 : 0);
        return (best, bestLength);
    }

    /// <summary>Adds the token for a match and returns how many characters it consumed.</summary>
    private static int Emit(Rule rule, ReadOnlySpan<char> s, int i, int length, List<string> tokens)
    {
        switch (rule)
        {
            case Rule.None:
                return 1; // untokenizable character: CoreNLP's default deletes it
            case Rule.Cannot:
                tokens.Add(s.Slice(i, 3).ToString()); // "cannot" → "can" "not"
                return 3;
            case Rule.Dash:
                tokens.Add("--");
                return 1;
            case Rule.WordBeforeContraction:
            {
                int letters = LetterRun(s, i);
                tokens.Add(Americanize.Apply(WithoutSoftHyphens(s.Slice(i, letters))));
                return letters;
            }
            case Rule.StemBeforeNegation:
                tokens.Add(WithoutSoftHyphens(s.Slice(i, length - 3))); // "don't" → "do", then "n't"
                return length - 3;
            case Rule.Word:
                tokens.Add(Americanize.Apply(WithoutSoftHyphens(s.Slice(i, length))));
                return length;
            case Rule.Contraction:
            {
                int core = ContractionCore(s, i); // without the trailing-context character
                tokens.Add(RightQuotes(s.Slice(i, core)));
                return core;
            }
            case Rule.Negation:
                tokens.Add(RightQuotes(s.Slice(i, length)));
                return length;
            case Rule.ApostropheY:
                tokens.Add(s.Slice(i, 2).ToString());
                return 2;
            case Rule.OpeningQuote:
                tokens.Add("`");
                return 1;
            case Rule.Url:
            case Rule.SlashCompound:
                tokens.Add(EscapeSlashesAndAsterisks(s.Slice(i, length)));
                return length;
            case Rule.Currency:
                tokens.Add(s[i] switch { '\u00A2' => "cents", '\u00A3' => "#", '\u0080' or '\u00A4' or '\u20A0' or '\u20AC' => "$", _ => s.Slice(i, length).ToString() });
                return length;
            case Rule.Abbreviation:
            {
                // "dog.," is matched with its trailing ',' as context; the token is "dog." only.
                int end = s.Slice(i, length).LastIndexOf('.') + 1;
                tokens.Add(s.Slice(i, end).ToString());
                return end;
            }
            case Rule.Quote:
                tokens.Add("''"); // PTB picks `` or '' by context; coco-caption removes both
                return length;
            case Rule.Ignored:
                return length;
            case Rule.Bracket:
                tokens.Add(s[i] switch { '(' or '[' or '<' => "-LRB-", ')' or ']' or '>' => "-RRB-", '{' => "-LCB-", _ => "-RCB-" });
                return 1;
            case Rule.Hyphens:
                tokens.Add(length is >= 2 and <= 4 ? "--" : s.Slice(i, length).ToString());
                return length;
            case Rule.Dots:
                tokens.Add(length == 1 && s[i] == '.' ? "." : "...");
                return length;
            case Rule.Asterisks:
                tokens.Add(EscapeSlashesAndAsterisks(s.Slice(i, length)));
                return length;
            default:
                tokens.Add(s.Slice(i, length).ToString());
                return length;
        }
    }

    // ---- token forms -----------------------------------------------------------------------------------------

    private static string WithoutSoftHyphens(ReadOnlySpan<char> text) =>
        text.Contains('\u00AD') ? text.ToString().Replace("\u00AD", "", StringComparison.Ordinal) : text.ToString();

    /// <summary>PTB's LaTeX quote forms for a contraction: typographic right quotes become ', left ones `.</summary>
    private static string RightQuotes(ReadOnlySpan<char> text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
            builder.Append(c switch { '\u2019' or '\u0092' => '\'', '\u2018' or '\u0091' or '\u201B' => '`', _ => c });
        return builder.ToString();
    }

    /// <summary>The old PTB escapes: / → \/ and * → \* (not doubled when already escaped).</summary>
    private static string EscapeSlashesAndAsterisks(ReadOnlySpan<char> text)
    {
        var builder = new StringBuilder(text.Length + 4);
        for (int k = 0; k < text.Length; k++)
        {
            if (text[k] is '/' or '*' && (k == 0 || text[k - 1] != '\\'))
                builder.Append('\\');
            builder.Append(text[k]);
        }
        return builder.ToString();
    }
}
