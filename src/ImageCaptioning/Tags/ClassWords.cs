namespace ImageCaptioning.Tags;

/// <summary>The caption words one ImageNet class stands for.</summary>
/// <param name="Index">The class index (line of <c>imagenet_classes.txt</c>, 0-based).</param>
/// <param name="Wnid">Its WordNet 3.0 synset id, e.g. <c>n02124075</c>.</param>
/// <param name="Label">Its name in <c>imagenet_classes.txt</c>, e.g. <c>Egyptian cat</c>.</param>
/// <param name="Words">Vocabulary words that name it in a caption, best first (may be empty: nothing in the vocabulary fits).</param>
/// <param name="Source">How the words were chosen: a WordNet synset and its distance up the hypernym chain, or a hand override.</param>
public sealed record ClassWords(int Index, string Wnid, string Label, IReadOnlyList<string> Words, string Source)
{
    /// <summary>
    /// The class's own name when the vocabulary lacks it (pig, koala, goose, …), with the vocabulary word it borrows the
    /// decoder's weights from; null when the class has none.
    /// </summary>
    public NovelWord? Novel { get; init; }
}

/// <summary>
/// A caption word outside the decoder's vocabulary (a *novel word*, e.g. "pig") and the vocabulary word it stands in for
/// (its *proxy*, e.g. "animal"): guided decoding lets the decoder write the proxy, with the proxy's embedding and output
/// weights, and shows the novel word in its place — Hendricks et al. 2016's direct transfer, placed by constrained beam
/// search as in Anderson et al. 2017.
/// </summary>
/// <param name="Word">The novel word as a caption shows it (may be two words, e.g. "red panda": still one token).</param>
/// <param name="Plural">Its plural ("pigs", "geese"), or empty when it has none worth writing.</param>
/// <param name="Proxy">The vocabulary word whose weights it borrows.</param>
/// <param name="ProxyPlural">The proxy's plural, in the vocabulary, standing in for <paramref name="Plural"/> (empty when either is empty).</param>
public sealed record NovelWord(string Word, string Plural, string Proxy, string ProxyPlural)
{
    /// <summary>Proxy word → novel word it is shown as (singular, and plural when both have one).</summary>
    public IEnumerable<KeyValuePair<string, string>> Renderings =>
        Plural.Length > 0 && ProxyPlural.Length > 0 ? [new(Proxy, Word), new(ProxyPlural, Plural)] : [new(Proxy, Word)];

    /// <summary>Table form: <c>pig|pigs</c> and <c>animal|animals</c>.</summary>
    public string WordsField => Plural.Length > 0 ? $"{Word}|{Plural}" : Word;

    /// <inheritdoc cref="WordsField"/>
    public string ProxyField => ProxyPlural.Length > 0 ? $"{Proxy}|{ProxyPlural}" : Proxy;
}

/// <summary>
/// A set of classes that together are evidence for one word, e.g. the 118 dog breeds for "dog": the summed softmax
/// probability of the members is the probability the encoder gives that word (the classes are exclusive outcomes).
/// </summary>
/// <param name="Word">The vocabulary word the group is evidence for.</param>
/// <param name="Wnid">The WordNet synset whose hyponyms (among the 1000 classes) are the members.</param>
/// <param name="Members">Member class indices, ascending.</param>
public sealed record ClassGroup(string Word, string Wnid, IReadOnlyList<int> Members);
