using System.Globalization;

namespace ImageCaptioning.Metrics;

/// <summary>
/// The matching rules of <see cref="PtbLexer"/>: each returns the length of its match at position i of a
/// whitespace-free chunk (0 for no match), including any trailing context, as JFlex counts it.
/// </summary>
internal static partial class PtbLexer
{
    // ---- character classes -------------------------------------------------------------------------------

    private static bool IsLetter(char c) => char.IsLetter(c) || c == '\u00AD';
    private static bool IsLetterOrDigit(char c) => char.IsLetterOrDigit(c);
    private static bool IsApostrophe(char c) => c is '\'' or '\u0092' or '\u2019';
    private static bool IsApostropheLike(char c) => IsApostrophe(c) || c is '\u0091' or '\u2018' or '\u201B';
    private static bool IsVowel(char c) => "aeiouyAEIOUY".Contains(c);

    private static bool IsMiscSymbol(char c) => CharUnicodeInfo.GetUnicodeCategory(c) is
        UnicodeCategory.MathSymbol or UnicodeCategory.OtherSymbol or UnicodeCategory.ModifierSymbol;

    private static int LetterRun(ReadOnlySpan<char> s, int i)
    {
        int j = i;
        while (j < s.Length && IsLetter(s[j])) j++;
        return j - i;
    }

    private static int Run(ReadOnlySpan<char> s, int i, char c)
    {
        int j = i;
        while (j < s.Length && s[j] == c) j++;
        return j - i;
    }

    private static int AsciiAlnumRun(ReadOnlySpan<char> s, int i)
    {
        int j = i;
        while (j < s.Length && char.IsAsciiLetterOrDigit(s[j])) j++;
        return j - i;
    }

    // ---- rules ---------------------------------------------------------------------------------------------

    /// <summary>&lt;unk&gt;, &lt;/b&gt;: SGML-like tags stay one token (so a model's "&lt;unk&gt;" is one word).</summary>
    private static int Sgml(ReadOnlySpan<char> s, int i)
    {
        if (s[i] != '<') return 0;
        int j = i + 1;
        if (j < s.Length && s[j] == '/') j++;
        if (j >= s.Length || !(char.IsAsciiLetter(s[j]) || s[j] == '!')) return 0;
        int close = s[j..].IndexOf('>');
        return close < 0 ? 0 : j + close + 1 - i;
    }

    /// <summary>
    /// A standalone 's 'm 'd 're 've 'll. PTB has two rules: one requiring a non-letter after it (that character
    /// is trailing context and counts for the longest match), and a plain one.
    /// </summary>
    private static int Contraction(ReadOnlySpan<char> s, int i)
    {
        int core = ContractionCore(s, i);
        if (core == 0) return 0;
        return i + core < s.Length && char.IsAsciiLetter(s[i + core]) ? core : core + 1;
    }

    /// <summary>'s 'm 'd 're 've 'll (any case).</summary>
    private static int ContractionCore(ReadOnlySpan<char> s, int i)
    {
        if (i + 1 >= s.Length || !IsApostrophe(s[i])) return 0;
        if (s[i + 1] is 'm' or 's' or 'd' or 'M' or 'S' or 'D') return 2;
        if (i + 2 < s.Length)
        {
            var two = s.Slice(i + 1, 2);
            if (two.Equals("re", StringComparison.OrdinalIgnoreCase) || two.Equals("ve", StringComparison.OrdinalIgnoreCase)
                || two.Equals("ll", StringComparison.OrdinalIgnoreCase))
                return 3;
        }
        return 0;
    }

    /// <summary>n't (any case).</summary>
    private static int Negation(ReadOnlySpan<char> s, int i) =>
        i + 2 < s.Length && s[i] is 'n' or 'N' && IsApostropheLike(s[i + 1]) && s[i + 2] is 't' or 'T' ? 3 : 0;

    /// <summary>"do" in "don't": ASCII letters ending in a letter other than n, followed by n't (length includes n't).</summary>
    private static int StemBeforeNegation(ReadOnlySpan<char> s, int i)
    {
        int j = i;
        while (j < s.Length && (char.IsAsciiLetter(s[j]) || s[j] == '\u00AD')) j++;
        int n = j - 1; // the stem must be followed by the run's final 'n' + apostrophe + 't'
        if (n - i < 1 || Negation(s, n) == 0) return 0;
        int last = n - 1;
        while (last > i && s[last] == '\u00AD') last--;
        return s[last] is 'n' or 'N' || !char.IsAsciiLetter(s[last]) ? 0 : n - i + 3;
    }

    /// <summary>Words with an apostrophe that PTB keeps whole: 'n', 'em, 'til, o'- and vowel'vowel words, y'(all)...</summary>
    private static int ApostropheWord(ReadOnlySpan<char> s, int i)
    {
        int best = 0;
        ReadOnlySpan<char> rest = s[i..];
        if (IsApostrophe(s[i]) && rest.Length >= 2)
        {
            var tail = rest[1..];
            if (tail[0] is 'n' or 'N') best = tail.Length >= 2 && IsApostrophe(tail[1]) ? 3 : 2; // 'n' / 'n
            if (tail.StartsWith("em", StringComparison.OrdinalIgnoreCase)) best = Math.Max(best, 3);
            if (tail.StartsWith("till", StringComparison.OrdinalIgnoreCase)) best = Math.Max(best, 5);
            else if (tail.StartsWith("til", StringComparison.OrdinalIgnoreCase)) best = Math.Max(best, 4);
            if (tail.StartsWith("cause", StringComparison.OrdinalIgnoreCase)) best = Math.Max(best, 6);
            if (tail.StartsWith("twas", StringComparison.OrdinalIgnoreCase)) best = Math.Max(best, 5);
            if (tail.Length >= 3 && tail[0] is >= '2' and <= '9' && tail[1] == '0' && tail[2] is 's' or 'S') best = Math.Max(best, 4); // '90s
            if (tail.Length >= 2 && char.IsAsciiDigit(tail[0]) && char.IsAsciiDigit(tail[1]) && tail.Length == 2) best = Math.Max(best, 3); // '90 at a word end
        }
        if (rest.Length >= 2 && s[i] is 'l' or 'L' or 'd' or 'D' or 'j' or 'J' && IsApostrophe(s[i + 1])) best = Math.Max(best, 2); // l', d'
        // O'Neill: an uppercase letter (not I or Y) or 'n', apostrophe, then at least two letters.
        if (rest.Length >= 4 && (s[i] is >= 'A' and <= 'H' or >= 'J' and <= 'X' or 'Z' or 'n') && IsApostropheLike(s[i + 1])
            && LetterRun(s, i + 2) >= 2)
            best = Math.Max(best, 2 + LetterRun(s, i + 2));
        // ma'am, Shi'ite: two or more letters ending in a vowel, apostrophe, a vowel or capital, more letters.
        int letters = LetterRun(s, i);
        if (letters >= 2 && IsVowel(s[i + letters - 1]) && i + letters + 1 < s.Length && IsApostropheLike(s[i + letters])
            && s[i + letters + 1] is 'a' or 'e' or 'i' or 'o' or 'u' or >= 'A' and <= 'Z')
            best = Math.Max(best, letters + 2 + LetterRun(s, i + letters + 2));
        foreach (string word in ApostropheWords)
        {
            if (word.Length > best && StartsWithApostropheInsensitive(rest, word))
                best = word.Length;
        }
        return best;
    }

    private static readonly string[] ApostropheWords =
        ["cont'd.", "cont'd", "nor'easter", "c'mon", "e'er", "s'mores", "ev'ry", "li'l", "nat'l", "dunkin'", "somethin'", "ol'"];

    /// <summary>Case-insensitive prefix test where ' in <paramref name="word"/> (lower-case) matches any apostrophe.</summary>
    private static bool StartsWithApostropheInsensitive(ReadOnlySpan<char> text, string word)
    {
        if (text.Length < word.Length) return false;
        for (int k = 0; k < word.Length; k++)
        {
            char a = text[k], b = word[k];
            if (b == '\'' ? !IsApostrophe(a) : char.ToLowerInvariant(a) != b) return false;
        }
        return true;
    }

    /// <summary>Web-site names such as "statefarm.com" (PTB's LIKELYURL without the "www." form), with an optional path.</summary>
    private static int Url(ReadOnlySpan<char> s, int i)
    {
        // PTB's character class here excludes ',' through '_' (a range!), so digits and capitals cannot appear.
        static bool IsHostChar(char c) => !(c is >= ',' and <= '_') && c is not ('"' or '`' or '\'' or '<' or '>' or '|' or '!' or '?' or '(' or ')' or '{' or '}' or '$') && !char.IsWhiteSpace(c);
        int best = 0, j = i;
        while (true)
        {
            int start = j;
            while (j < s.Length && IsHostChar(s[j])) j++;
            if (j == start || j >= s.Length || s[j] != '.') break;
            j++;
            var tld = s[j..];
            if (tld.Length >= 3 && (tld[..3].Equals("com", StringComparison.OrdinalIgnoreCase) || tld[..3].Equals("net", StringComparison.OrdinalIgnoreCase)
                || tld[..3].Equals("org", StringComparison.OrdinalIgnoreCase) || tld[..3].Equals("edu", StringComparison.OrdinalIgnoreCase)))
                best = j + 3 - i;
        }
        if (best > 0 && i + best < s.Length && s[i + best] == '/')
        {
            int end = i + best + 1;
            while (end < s.Length && s[end] is not ('"' or '<' or '>' or '|' or '(' or ')')) end++;
            while (end > i + best + 1 && s[end - 1] is '"' or '<' or '>' or '|' or '.' or '!' or '?' or '(' or ')' or '{' or '}' or ',' or '-') end--;
            if (end > i + best + 1) best = end - i;
        }
        return best;
    }

    /// <summary>12, -5, 3.5, 1,000, 12:30, .5</summary>
    private static int Number(ReadOnlySpan<char> s, int i)
    {
        int j = i;
        if (j < s.Length && s[j] is '-' or '+') j++;
        int digitsStart = j;
        while (j < s.Length && char.IsDigit(s[j])) j++;
        bool leadingDigits = j > digitsStart;
        while (j + 1 < s.Length && s[j] is '.' or ',' or ':' && char.IsDigit(s[j + 1]) && (leadingDigits || s[j] != ':'))
        {
            j++;
            while (j < s.Length && char.IsDigit(s[j])) j++;
            leadingDigits = true;
        }
        return leadingDigits ? j - i : 0;
    }

    /// <summary>and/or, 1/2, 12/25/2010: ASCII words joined by one or two slashes (PTB escapes the slash).</summary>
    private static int SlashCompound(ReadOnlySpan<char> s, int i)
    {
        static int Part(ReadOnlySpan<char> s, int at)
        {
            int run = AsciiAlnumRun(s, at);
            if (run == 0) return 0;
            int end = at + run;
            for (int k = 0; k < 2 && end + 1 < s.Length && s[end] == '-' && char.IsAsciiLetter(s[end + 1]); k++)
            {
                end++;
                while (end < s.Length && char.IsAsciiLetter(s[end])) end++;
            }
            return end - at;
        }
        int first = Part(s, i);
        if (first == 0) return 0;
        int j = i + first, best = 0;
        for (int slashes = 0; slashes < 2; slashes++)
        {
            int k = j;
            if (k < s.Length && s[k] == '\\') k++;
            if (k >= s.Length || s[k] != '/') break;
            int part = Part(s, k + 1);
            if (part == 0) break;
            j = k + 1 + part;
            best = j - i;
        }
        return best;
    }

    private static readonly string[] SpecialWords =
        ["-rrb-", "-lrb-", "-rcb-", "-lcb-", "-rsb-", "-lsb-", "c.d.s", "pro-", "anti-", "s&p-500", "s&ls", "cap'n", "c'est"];

    /// <summary>Treebank spellings PTB passes through: pro-, anti-, -LRB- typed literally, Cap'n, c'est.</summary>
    private static int Special(ReadOnlySpan<char> s, int i)
    {
        int best = 0;
        foreach (string word in SpecialWords)
        {
            if (word.Length > best && StartsWithApostropheInsensitive(s[i..], word))
                best = word.Length;
        }
        return best;
    }

    /// <summary>$, US$, #, and currency signs (¢ £ € ... which PTB rewrites).</summary>
    private static int Currency(ReadOnlySpan<char> s, int i)
    {
        int j = i;
        while (j < s.Length && char.IsAsciiLetterUpper(s[j])) j++;
        if (j < s.Length && s[j] == '$') return j + 1 - i;
        return s[i] is '#' or '\u00A2' or '\u00A3' or '\u00A4' or '\u00A5' or '\u0080' or '\u20A0' or '\u20AC' or '\u060B'
            or '\u0E3F' or '\u20A4' or '\uFFE0' or '\uFFE1' or '\uFFE5' or '\uFFE6' ? 1 : 0;
    }

    /// <summary>U.S., a.m., D.C (letters joined by dots), keeping a final dot; without it only at the end of a word.</summary>
    private static int Acronym(ReadOnlySpan<char> s, int i)
    {
        if (!char.IsAsciiLetter(s[i])) return 0;
        int j = i + 1, groups = 0;
        while (j + 1 < s.Length && s[j] == '.' && char.IsAsciiLetter(s[j + 1])) { j += 2; groups++; }
        if (groups == 0) return 0;
        if (j < s.Length && s[j] == '.') return j + 1 - i;
        return j == s.Length ? j - i : 0;
    }

    /// <summary>"Mr.", "St.", "P." keep their period; so does any word whose period is followed by , ; or : ("etc.,").</summary>
    private static int Abbreviation(ReadOnlySpan<char> s, int i, int letters)
    {
        if (letters == 0 || i + letters >= s.Length || s[i + letters] != '.') return 0;
        if (i + letters + 1 < s.Length && s[i + letters + 1] is ',' or ';' or ':')
            return letters + 2; // the clause mark is trailing context: it counts for the longest match only
        return PtbAbbreviations.Contains(s.Slice(i, letters)) ? letters + 1 : 0;
    }

    /// <summary>"..." (3 to 5 dots, or the ellipsis character) is one token; shorter runs are single periods.</summary>
    private static int Dots(ReadOnlySpan<char> s, int i)
    {
        if (s[i] is '\u0085' or '\u2026') return 1;
        int dots = Math.Min(Run(s, i, '.'), 5);
        return dots >= 3 ? dots : Math.Min(dots, 1);
    }

    private static int QuestionExclamation(ReadOnlySpan<char> s, int i)
    {
        int j = i;
        while (j < s.Length && s[j] is '?' or '!') j++;
        return j - i;
    }

    /// <summary>Quote characters: ' ` and the typographic quotes, alone or in pairs ('' ``).</summary>
    private static int QuoteMarks(ReadOnlySpan<char> s, int i)
    {
        static bool IsQuote(char c) => c is '`' or '\u2018' or '\u2019' or '\u201A' or '\u201B' or '\u201C' or '\u201D' or '\u201E'
            or '\u201F' or '\u2039' or '\u203A' or '\u00AB' or '\u00BB' or '\u0091' or '\u0092' or '\u0093' or '\u0094';
        if (s[i] == '\'') return i + 1 < s.Length && s[i + 1] == '\'' ? 2 : 1;
        if (!IsQuote(s[i])) return 0;
        return i + 1 < s.Length && IsQuote(s[i + 1]) ? 2 : 1;
    }

    /// <summary>t-shirt, 3-year-old, mp3, o'clock: letters/digits with inner hyphens (an optional o'/d'/l' prefix per part).</summary>
    private static int Thing(ReadOnlySpan<char> s, int i)
    {
        static int Piece(ReadOnlySpan<char> s, int at)
        {
            int start = at;
            if (at + 2 < s.Length && s[at] is 'd' or 'D' or 'o' or 'O' or 'l' or 'L' && IsApostropheLike(s[at + 1])
                && IsLetterOrDigit(s[at + 2]) && at + 3 < s.Length && IsLetterOrDigit(s[at + 3]))
                at += 3;
            int j = at;
            while (j < s.Length && IsLetterOrDigit(s[j])) j++;
            return j == start ? 0 : j - start;
        }
        int first = Piece(s, i);
        if (first == 0) return 0;
        int end = i + first;
        while (end + 1 < s.Length && s[end] is '-' or '_' or '\u058A' or '\u2010' or '\u2011')
        {
            int piece = Piece(s, end + 1);
            if (piece == 0) break;
            end += 1 + piece;
        }
        return end - i;
    }

    /// <summary>AT&amp;T, R+D: capital letters joined by &amp; or +.</summary>
    private static int UppercaseCompound(ReadOnlySpan<char> s, int i)
    {
        int j = i;
        while (j < s.Length && char.IsAsciiLetterUpper(s[j])) j++;
        if (j == i) return 0;
        int best = 0;
        while (j + 1 < s.Length && s[j] is '&' or '+' && char.IsAsciiLetterUpper(s[j + 1]))
        {
            j++;
            while (j < s.Length && char.IsAsciiLetterUpper(s[j])) j++;
            best = j - i;
        }
        return best;
    }
}
