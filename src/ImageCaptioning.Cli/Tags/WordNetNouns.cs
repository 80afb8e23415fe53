using System.Globalization;

namespace ImageCaptioning.Cli.Tags;

/// <summary>
/// The noun synsets of a WordNet 3.0 database (<c>data.noun</c>, Princeton's lexicographer-file format, as Debian's
/// <c>wordnet-base</c> installs it under /usr/share/wordnet): each synset's lemmas and hypernyms. An ImageNet wnid is
/// "n" + the 8-digit offset of its synset in this file.
/// </summary>
internal sealed class WordNetNouns
{
    public const string DataFileName = "data.noun";

    private readonly Dictionary<string, Synset> _synsets;

    private WordNetNouns(Dictionary<string, Synset> synsets) => _synsets = synsets;

    /// <param name="Wnid">"n" + offset.</param>
    /// <param name="Lemmas">As written in WordNet (underscores for spaces), most common first.</param>
    /// <param name="Hypernyms">Wnids of its hypernyms and instance hypernyms.</param>
    public sealed record Synset(string Wnid, IReadOnlyList<string> Lemmas, IReadOnlyList<string> Hypernyms);

    public int Count => _synsets.Count;

    public Synset? Find(string wnid) => _synsets.GetValueOrDefault(wnid);

    /// <summary>Reads <c>data.noun</c> from a WordNet dict folder.</summary>
    public static WordNetNouns Load(string dictFolder)
    {
        string path = Path.Combine(dictFolder, DataFileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"No WordNet noun data at '{path}' (on Debian: apt-get install wordnet-base).", path);
        var synsets = new Dictionary<string, Synset>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(path))
        {
            if (line.Length == 0 || line[0] == ' ') continue; // the licence header lines start with two spaces
            var synset = Parse(line);
            synsets[synset.Wnid] = synset;
        }
        return new WordNetNouns(synsets);
    }

    /// <summary>
    /// One line: <c>offset lex_filenum ss_type w_cnt(hex) [lemma lex_id]… p_cnt [symbol offset pos source/target]… | gloss</c>.
    /// </summary>
    internal static Synset Parse(string line)
    {
        int bar = line.IndexOf(" | ", StringComparison.Ordinal);
        string[] f = (bar >= 0 ? line[..bar] : line).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int wordCount = int.Parse(f[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var lemmas = new List<string>(wordCount);
        for (int i = 0; i < wordCount; i++) lemmas.Add(f[4 + 2 * i]);
        int p = 4 + 2 * wordCount;
        int pointerCount = int.Parse(f[p], CultureInfo.InvariantCulture);
        var hypernyms = new List<string>();
        for (int i = 0; i < pointerCount; i++)
        {
            int at = p + 1 + 4 * i;
            if (f[at] is "@" or "@i" && f[at + 2] == "n") hypernyms.Add("n" + f[at + 1]);
        }
        return new Synset("n" + f[0], lemmas, hypernyms);
    }
}
