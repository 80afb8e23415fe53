using System.Collections.Frozen;

namespace ImageCaptioning.Metrics;

/// <summary>
/// Words that keep their final period in the PTB tokenizer ("Mr." stays one token, "dog." splits), after CoreNLP's
/// PTBLexer lists. A few are common words in lower case ("ill", "mass"), so only their capitalised form counts.
/// </summary>
internal static class PtbAbbreviations
{
    private static readonly FrozenSet<string> AnyCase = new[]
    {
        // months and days
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "mon", "tue", "tues", "wed", "thu", "thurs", "fri",
        // US states
        "ala", "ariz", "calif", "colo", "conn", "dak", "del", "fla", "ga", "ind", "kan", "kans", "ky", "la", "md",
        "mich", "minn", "mo", "mont", "neb", "nev", "okla", "pa", "penn", "tenn", "tex", "va", "vt", "wis", "wisc", "wyo",
        // companies, numbers, name suffixes, "etc."
        "inc", "co", "cos", "corp", "pty", "ptys", "ppty", "pptys", "ltd", "plc", "bancorp", "dept", "bhd", "assn",
        "univ", "intl", "sys", "no", "nos", "prop", "ph", "tel", "est", "ext", "sq", "ft", "jr", "sr", "bros", "blvd",
        "rd", "esq", "etc", "al", "seq",
        // titles
        "mr", "mrs", "ms", "dr", "drs", "prof", "profs", "sen", "sens", "rep", "reps", "atty", "attys", "lt", "col",
        "gen", "messrs", "gov", "govs", "adm", "rev", "maj", "sgt", "cpl", "pvt", "mt", "capt", "st", "ste", "ave",
        "pres", "lieut", "hon", "brig", "cmdr", "comdr", "pfc", "spc", "supt", "supts", "det",
        // others CoreNLP lists
        "vs", "alex", "wm", "jos", "cie", "cf", "treas", "invt", "elec", "natl", "mfg", "mtg",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> CapitalisedOnly = new[]
    {
        "Ark", "Ill", "Mass", "Miss", "Ore", "Wash",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> AnyCaseLookup =
        AnyCase.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> CapitalisedOnlyLookup =
        CapitalisedOnly.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>True when <paramref name="word"/> followed by "." is one abbreviation token.</summary>
    public static bool Contains(ReadOnlySpan<char> word)
    {
        // Every single letter is an abbreviation too ("P." in 'the letter " P. "').
        if (word.Length == 1)
            return char.IsAsciiLetter(word[0]);
        return AnyCaseLookup.Contains(word) || CapitalisedOnlyLookup.Contains(word);
    }
}
