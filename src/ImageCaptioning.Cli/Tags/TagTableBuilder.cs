using ImageCaptioning.Data;
using ImageCaptioning.Encoder;
using ImageCaptioning.Tags;

namespace ImageCaptioning.Cli.Tags;

/// <summary>
/// Builds the <see cref="ImageNetTagTable"/> from WordNet: each class gets the vocabulary words of the nearest synset on
/// its hypernym chain (itself included) that has any — Egyptian cat → domestic cat (none) → cat → "cat" — unless a
/// hand-checked override says otherwise; each group gets the classes below its synset.
/// </summary>
internal sealed class TagTableBuilder
{
    /// <summary>Hypernym steps searched before a class is left without words.</summary>
    public const int MaxDistance = 10;

    /// <summary>Words too general (or too ambiguous as a lemma) to name anything in a caption.</summary>
    public static readonly IReadOnlySet<string> TooGeneral = new HashSet<string>(StringComparer.Ordinal)
    {
        "entity", "thing", "object", "whole", "unit", "being", "organism", "matter", "substance", "artifact", "artefact",
        "device", "structure", "construction", "covering", "commodity", "material", "part", "piece", "equipment",
        "implement", "article", "system", "instrumentality", "way", "line", "form", "top", "wear", "gear", "stuff",
        "machine", "work", "product", "creation", "feature", "area", "region", "location", "point", "place", "group",
        "set", "collection", "item", "element", "support", "base", "surface", "layer", "fixture", "furnishing",
        "mechanism", "solid", "fluid", "liquid", "food", "nutrient", "plant", "animal", "beast", "creature", "fauna",
        "person", "individual", "someone", "somebody", "mortal", "soul", "worker", "adult", "mammal", "vertebrate",
        "invertebrate", "chordate", "fish", "bird", "insect", "vehicle", "conveyance", "transport", "container", "vessel",
        "craft", "instrument", "tool", "utensil", "appliance", "furniture", "clothing", "garment", "dish", "building",
        "good", "goods", "game", "course", "wind", "string", "arm", "house", "board", "bar", "site", "mini", "rubber", "monitor", "shade",
    };

    /// <summary>
    /// The words above that are still good *category* words when nothing more specific exists (tench → fish,
    /// bald eagle → bird); tried after the specific words, nearest first.
    /// </summary>
    public static readonly IReadOnlySet<string> CategoryWords = new HashSet<string>(StringComparer.Ordinal)
    {
        "fish", "bird", "insect", "animal", "vehicle", "instrument", "tool", "furniture", "food", "plant", "building",
        "dish", "person", "boat", "container",
    };

    private readonly WordNetNouns _wordNet;
    private readonly Vocabulary _vocabulary;

    public TagTableBuilder(WordNetNouns wordNet, Vocabulary vocabulary)
    {
        _wordNet = wordNet;
        _vocabulary = vocabulary;
    }

    /// <summary>A hand-checked choice that replaces WordNet's for one class.</summary>
    public sealed record Override(string Wnid, IReadOnlyList<string> Words, string Reason);

    /// <summary>A group to build: every class whose hypernym chain reaches <paramref name="Wnid"/> is a member.</summary>
    /// <param name="Lead">The group's word becomes each member's first word (terrier, hound, poodle → "dog" first).</param>
    public sealed record GroupDefinition(string Word, string Wnid, bool Lead);

    /// <summary>
    /// A class's own name outside the vocabulary (checked by hand) and the vocabulary word it borrows weights from:
    /// <paramref name="Proxy"/> null = the class's first table word (its nearest vocabulary word up WordNet, or its override)
    /// with that word's plural when the vocabulary has it.
    /// </summary>
    public sealed record NovelDefinition(string Wnid, string Word, string Plural, string? Proxy, string? ProxyPlural, string Reason);

    /// <summary>What the build noticed: labels that match no lemma of their synset (the wnid list is checked by them).</summary>
    public sealed record Report(IReadOnlyList<string> LabelMismatches, int ClassesWithoutWords, int Overridden);

    public (ImageNetTagTable Table, Report Report) Build(IReadOnlyList<string> wnids, IReadOnlyList<string> labels,
        IReadOnlyList<Override> overrides, IReadOnlyList<GroupDefinition> groups, IReadOnlyList<NovelDefinition>? novelWords = null)
    {
        if (wnids.Count != EncoderGeometry.Classes || labels.Count != EncoderGeometry.Classes)
            throw new InvalidDataException($"Need {EncoderGeometry.Classes} wnids and labels, got {wnids.Count} and {labels.Count}.");
        for (int i = 1; i < wnids.Count; i++)
            if (string.CompareOrdinal(wnids[i - 1], wnids[i]) >= 0)
                throw new InvalidDataException($"The wnids must be unique and sorted (the ILSVRC2012 class order); line {i + 1} ('{wnids[i]}') is not after '{wnids[i - 1]}'.");
        var byWnid = overrides.ToDictionary(o => o.Wnid, StringComparer.Ordinal);
        foreach (var o in overrides)
        {
            if (!wnids.Contains(o.Wnid)) throw new InvalidDataException($"Override for '{o.Wnid}', which is not one of the 1000 classes.");
            foreach (string w in o.Words) RequireInVocabulary(w, $"override for {o.Wnid}");
        }

        var mismatches = new List<string>();
        var classes = new ClassWords[wnids.Count];
        for (int i = 0; i < wnids.Count; i++)
        {
            var synset = _wordNet.Find(wnids[i]) ?? throw new InvalidDataException($"Class {i} ('{labels[i]}'): '{wnids[i]}' is not a WordNet 3.0 noun synset.");
            if (!synset.Lemmas.Any(l => SameName(l, labels[i])))
                mismatches.Add($"{i} {wnids[i]} '{labels[i]}' vs {string.Join(", ", synset.Lemmas)}");
            classes[i] = byWnid.TryGetValue(wnids[i], out var chosen)
                ? new ClassWords(i, wnids[i], labels[i], chosen.Words, "override: " + chosen.Reason)
                : FromWordNet(i, wnids[i], labels[i]);
        }

        var built = new List<ClassGroup>();
        foreach (var g in groups)
        {
            RequireInVocabulary(g.Word, $"group {g.Wnid}");
            if (_wordNet.Find(g.Wnid) is null) throw new InvalidDataException($"Group '{g.Word}': '{g.Wnid}' is not a WordNet noun synset.");
            var members = Enumerable.Range(0, wnids.Count).Where(i => Ancestors(wnids[i]).Exists(a => a.Key == g.Wnid)).ToList();
            if (members.Count == 0) throw new InvalidDataException($"Group '{g.Word}' ({g.Wnid}) has no ImageNet class below it.");
            built.Add(new ClassGroup(g.Word, g.Wnid, members));
        }
        foreach (var (definition, group) in groups.Zip(built))
            if (definition.Lead)
                foreach (int i in group.Members)
                    if (!byWnid.ContainsKey(wnids[i]))
                        classes[i] = classes[i] with { Words = [group.Word, .. classes[i].Words.Where(w => w != group.Word)], Source = classes[i].Source + $"; led by group {group.Word}" };
        foreach (var n in novelWords ?? [])
        {
            int i = IndexOf(wnids, n.Wnid, "novel word");
            if (_vocabulary.Contains(n.Word)) throw new InvalidDataException($"Novel word '{n.Word}' ({n.Wnid}) is in the vocabulary: use overrides.tsv.");
            if (classes[i].Novel is not null) throw new InvalidDataException($"Class {n.Wnid} has two novel words.");
            string proxy = n.Proxy ?? classes[i].Words.FirstOrDefault()
                ?? throw new InvalidDataException($"Novel word '{n.Word}' ({n.Wnid}): the class has no table word to borrow from; name a proxy.");
            string proxyPlural = n.Proxy is null ? (_vocabulary.Contains(EnglishPlural.Of(proxy)) ? EnglishPlural.Of(proxy) : "") : n.ProxyPlural ?? "";
            RequireInVocabulary(proxy, $"proxy of novel word {n.Word}");
            if (proxyPlural.Length > 0) RequireInVocabulary(proxyPlural, $"proxy plural of novel word {n.Word}");
            var novel = n.Plural.Length > 0 && proxyPlural.Length > 0 ? new NovelWord(n.Word, n.Plural, proxy, proxyPlural) : new NovelWord(n.Word, "", proxy, "");
            string how = n.Proxy is null ? "its table word" : "by hand";
            classes[i] = classes[i] with { Source = classes[i].Source + $"; novel word by hand, proxy {how}" };
            classes[i] = classes[i] with { Novel = novel };
        }
        var table = new ImageNetTagTable(classes, built);
        return (table, new Report(mismatches, classes.Count(c => c.Words.Count == 0), overrides.Count));
    }

    private ClassWords FromWordNet(int index, string wnid, string label)
    {
        var ancestors = Ancestors(wnid); // wnid → distance, nearest first
        foreach (bool categories in new[] { false, true })
            foreach (var (ancestor, distance) in ancestors)
            {
                var synset = _wordNet.Find(ancestor)!;
                var words = synset.Lemmas.Select(Normalise)
                    .Where(w => _vocabulary.Contains(w) && (categories ? CategoryWords.Contains(w) : !TooGeneral.Contains(w)))
                    .Distinct().ToList();
                if (words.Count > 0)
                    return new ClassWords(index, wnid, label, words, $"wordnet: {synset.Lemmas[0]} ({ancestor}), {distance} up");
            }
        return new ClassWords(index, wnid, label, [], "wordnet: no vocabulary word within reach");
    }

    /// <summary>The synset and its hypernyms up to <see cref="MaxDistance"/> steps, breadth first (nearest first).</summary>
    private List<KeyValuePair<string, int>> Ancestors(string wnid)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal) { [wnid] = 0 };
        var order = new List<KeyValuePair<string, int>> { new(wnid, 0) };
        for (int i = 0; i < order.Count; i++)
        {
            var (current, distance) = order[i];
            if (distance == MaxDistance) continue;
            foreach (string parent in _wordNet.Find(current)?.Hypernyms ?? [])
                if (seen.TryAdd(parent, distance + 1)) order.Add(new(parent, distance + 1));
        }
        return order;
    }

    private static int IndexOf(IReadOnlyList<string> wnids, string wnid, string what)
    {
        for (int i = 0; i < wnids.Count; i++)
            if (wnids[i] == wnid) return i;
        throw new InvalidDataException($"The {what} for '{wnid}', which is not one of the 1000 classes.");
    }

    private static string Normalise(string lemma) => lemma.Replace('_', ' ').ToLowerInvariant();

    private static bool SameName(string lemma, string label) =>
        string.Equals(Normalise(lemma).Replace("'", "").Replace('-', ' '), label.Trim().ToLowerInvariant().Replace("'", "").Replace('-', ' '), StringComparison.Ordinal);

    private void RequireInVocabulary(string word, string where)
    {
        if (!_vocabulary.Contains(word)) throw new InvalidDataException($"'{word}' ({where}) is not in the caption vocabulary.");
    }
}
