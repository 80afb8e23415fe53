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

    /// <summary>Whole-word spellings (British, American): the table CoreNLP consults first.</summary>
    private static readonly FrozenDictionary<string, string> Words = new (string British, string American)[]
    {
        ("anaesthetic", "anesthetic"), ("analogue", "analog"), ("analogues", "analogs"), ("analyse", "analyze"),
        ("analysed", "analyzed"), ("analysing", "analyzing"), ("armoured", "armored"), ("cancelled", "canceled"),
        ("cancelling", "canceling"), ("candour", "candor"), ("capitalise", "capitalize"), ("capitalised", "capitalized"),
        ("capitalisation", "capitalization"), ("centre", "center"), ("chimaeric", "chimeric"), ("clamour", "clamor"),
        ("coloured", "colored"), ("colouring", "coloring"), ("colourful", "colorful"), ("defence", "defense"),
        ("Defence", "Defense"), ("discolour", "discolor"), ("discolours", "discolors"), ("discoloured", "discolored"),
        ("discolouring", "discoloring"), ("encyclopaedia", "encyclopedia"), ("endeavour", "endeavor"),
        ("endeavours", "endeavors"), ("endeavoured", "endeavored"), ("endeavouring", "endeavoring"), ("fervour", "fervor"),
        ("favour", "favor"), ("favours", "favors"), ("favoured", "favored"), ("favouring", "favoring"),
        ("favourite", "favorite"), ("favourites", "favorites"), ("fibre", "fiber"), ("fibres", "fibers"),
        ("finalise", "finalize"), ("finalised", "finalized"), ("finalising", "finalizing"), ("flavour", "flavor"),
        ("flavours", "flavors"), ("flavoured", "flavored"), ("flavouring", "flavoring"), ("glamour", "glamour"),
        ("grey", "gray"), ("harbour", "harbor"), ("harbours", "harbors"), ("homologue", "homolog"),
        ("homologues", "homologs"), ("honour", "honor"), ("honours", "honors"), ("honoured", "honored"),
        ("honouring", "honoring"), ("honourable", "honorable"), ("humour", "humor"), ("humours", "humors"),
        ("humoured", "humored"), ("humouring", "humoring"), ("kerb", "curb"), ("labelled", "labeled"),
        ("labelling", "labeling"), ("labour", "labor"), ("Labour", "Labor"), ("labours", "labors"),
        ("laboured", "labored"), ("labouring", "laboring"), ("leant", "leaned"), ("learnt", "learned"),
        ("localise", "localize"), ("localised", "localized"), ("manoeuvre", "maneuver"), ("manoeuvres", "maneuvers"),
        ("maximise", "maximize"), ("maximised", "maximized"), ("maximising", "maximizing"), ("meagre", "meager"),
        ("minimise", "minimize"), ("minimised", "minimized"), ("minimising", "minimizing"), ("modernise", "modernize"),
        ("modernised", "modernized"), ("modernising", "modernizing"), ("misdemeanour", "misdemeanor"),
        ("misdemeanours", "misdemeanors"), ("neighbour", "neighbor"), ("neighbours", "neighbors"),
        ("neighbourhood", "neighborhood"), ("neighbourhoods", "neighborhoods"), ("oestrogen", "estrogen"),
        ("oestrogens", "estrogens"), ("organisation", "organization"), ("organisations", "organizations"),
        ("penalise", "penalize"), ("penalised", "penalized"), ("popularise", "popularize"), ("popularised", "popularized"),
        ("popularises", "popularizes"), ("popularising", "popularizing"), ("practise", "practice"),
        ("practised", "practiced"), ("pressurise", "pressurize"), ("pressurised", "pressurized"),
        ("pressurises", "pressurizes"), ("pressurising", "pressurizing"), ("realise", "realize"), ("realised", "realized"),
        ("realising", "realizing"), ("realises", "realizes"), ("recognise", "recognize"), ("recognised", "recognized"),
        ("recognising", "recognizing"), ("recognises", "recognizes"), ("rumoured", "rumored"), ("rumouring", "rumoring"),
        ("savour", "savor"), ("savours", "savors"), ("savoured", "savored"), ("savouring", "savoring"),
        ("splendour", "splendor"), ("splendours", "splendors"), ("theatre", "theater"), ("theatres", "theaters"),
        ("titre", "titer"), ("titres", "titers"), ("travelled", "traveled"), ("travelling", "traveling"),
    }.ToFrozenDictionary(p => p.British, p => p.American, StringComparer.Ordinal);

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
}
