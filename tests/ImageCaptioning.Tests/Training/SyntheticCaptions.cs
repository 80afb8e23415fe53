using ImageCaptioning.Data;
using ImageCaptioning.Model;
using ImageCaptioning.Training;

namespace ImageCaptioning.Tests.Training;

/// <summary>A tiny captioning task for training tests.</summary>
internal static class SyntheticCaptions
{
    /// <summary>12 synthetic images whose captions depend on the image (so there is something to learn).</summary>
    public static (TrainingSet Set, Vocabulary Vocabulary, DecoderConfig Config) Task()
    {
        string[] subjects = ["dog", "cat", "man", "girl"], actions = ["runs", "jumps", "sits"], places = ["on grass", "in water", "near a wall"];
        var grids = new Dictionary<string, float[]>();
        var captions = new Dictionary<string, IReadOnlyList<string>>();
        var rng = new Random(5);
        for (int i = 0; i < 12; i++)
        {
            string name = $"img{i:D2}.jpg";
            var grid = new float[4 * 8];
            for (int k = 0; k < grid.Length; k++) grid[k] = rng.NextSingle() * 0.2f;
            grid[i % 4] += 2f; grid[8 + i % 3] += 2f; grid[16 + (i / 4) % 3] += 2f; // the image "shows" its subject, action and place
            grids[name] = grid;
            string sentence = $"a {subjects[i % 4]} {actions[i % 3]} {places[(i / 4) % 3]}";
            captions[name] = [sentence, sentence, sentence];
        }
        var vocabulary = Vocabulary.Build(captions.Values.SelectMany(c => c).Select(CaptionTokenizer.Tokenize), minCount: 1);
        var config = TinyDecoders.Config() with { VocabSize = vocabulary.Count, HiddenDim = 24, AttentionDim = 12, FeatureDim = 12, EmbeddingDim = 12, Dropout = 0.1f };
        var set = TrainingSet.Create(captions.Keys.ToList(), captions, vocabulary, new InMemoryGridSource(grids, 4, 8), maxWords: 20);
        return (set, vocabulary, config);
    }
}
