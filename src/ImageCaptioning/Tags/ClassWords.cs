namespace ImageCaptioning.Tags;

/// <summary>The caption words one ImageNet class stands for.</summary>
/// <param name="Index">The class index (line of <c>imagenet_classes.txt</c>, 0-based).</param>
/// <param name="Wnid">Its WordNet 3.0 synset id, e.g. <c>n02124075</c>.</param>
/// <param name="Label">Its name in <c>imagenet_classes.txt</c>, e.g. <c>Egyptian cat</c>.</param>
/// <param name="Words">Vocabulary words that name it in a caption, best first (may be empty: nothing in the vocabulary fits).</param>
/// <param name="Source">How the words were chosen: a WordNet synset and its distance up the hypernym chain, or a hand override.</param>
public sealed record ClassWords(int Index, string Wnid, string Label, IReadOnlyList<string> Words, string Source);

/// <summary>
/// A set of classes that together are evidence for one word, e.g. the 118 dog breeds for "dog": the summed softmax
/// probability of the members is the probability the encoder gives that word (the classes are exclusive outcomes).
/// </summary>
/// <param name="Word">The vocabulary word the group is evidence for.</param>
/// <param name="Wnid">The WordNet synset whose hyponyms (among the 1000 classes) are the members.</param>
/// <param name="Members">Member class indices, ascending.</param>
public sealed record ClassGroup(string Word, string Wnid, IReadOnlyList<int> Members);
