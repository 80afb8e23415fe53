using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace ImageCaptioning.Metrics;

/// <summary>
/// British → American spelling ("grey" → "gray") as the PTB tokenizer of coco-caption's CoreNLP 3.4.1 applies it by
/// default. Case-sensitive like CoreNLP ("Grey" stays), so it runs before lower-casing.
/// </summary>
internal static class Americanize
{
    // CoreNLP leaves words shorter than these alone (a whole-word lookup needs 4 letters, the patterns 6).
    private const int MinimumLengthChanged = 4;
    private const int MinimumLengthPatternMatch = 6;

    private const string WordTableResource = "ImageCaptioning.Metrics.americanize.tsv";

    /// <summary>Whole-word spellings (British → American): the table CoreNLP consults first, from <c>americanize.tsv</c>.</summary>
    private static readonly FrozenDictionary<string, string> Words = ReadWordTable();

    /// <summary>Suffix rules tried in order after the table; the first that matches (and is not excepted) wins.</summary>
    private static readonly (Regex Pattern, string Replacement, Regex? Exception)[] Rules =
    [
        (new Regex("haem(at)?o", RegexOptions.CultureInvariant), "hem$1o", null),
        (new Regex("aemia$", RegexOptions.CultureInvariant), "emia", null),
        (new Regex("([lL])eukaem", RegexOptions.CultureInvariant), "$1eukem", null),
        (new Regex("programme(s?)$", RegexOptions.CultureInvariant), "program$1", null),
        // colour → color, but not the French-looking words where "-our" is not a British spelling.
        (new Regex("^([a-z]{3,})our(s?)$", RegexOptions.CultureInvariant), "$1or$2",
            new Regex("abatjour|beflour|bonjour|calambour|carrefour|cornflour|contour|de[tv]our|dortour|dyvour|downpour|"
                + "giaour|glamour|holour|inpour|outpour|pandour|paramour|pompadour|recontour|repour|ryeflour|sompnour|"
                + "tambour|troubadour|tregetour|velour", RegexOptions.CultureInvariant)),
    ];

    /// <summary>The American spelling of a plain (letters-only) word, or the word itself.</summary>
    public static string Apply(string word)
    {
        if (word.Length < MinimumLengthChanged)
            return word;
        if (Words.TryGetValue(word, out string? american))
            return american;
        if (word.Length < MinimumLengthPatternMatch || !MightMatchARule(word))
            return word;
        foreach (var (pattern, replacement, exception) in Rules)
        {
            if (pattern.IsMatch(word) && (exception is null || !exception.IsMatch(word)))
                return pattern.Replace(word, replacement);
        }
        return word;
    }

    // Cheap pre-check so the regexes run on a handful of words only.
    private static bool MightMatchARule(string word) =>
        word.Contains("aem", StringComparison.Ordinal)
        || word.Contains("programme", StringComparison.Ordinal)
        || word.EndsWith("our", StringComparison.Ordinal)
        || word.EndsWith("ours", StringComparison.Ordinal);

    private static FrozenDictionary<string, string> ReadWordTable()
    {
        using var stream = typeof(Americanize).Assembly.GetManifestResourceStream(WordTableResource)
            ?? throw new InvalidOperationException($"Embedded resource {WordTableResource} is missing from the build.");
        using var reader = new StreamReader(stream);
        var words = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var (british, american) = line.Split('\t') is [var b, var a] ? (b, a)
                : throw new InvalidOperationException($"{WordTableResource}: expected 'British<TAB>American', got '{line}'.");
            words.Add(british, american);
        }
        return words.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
