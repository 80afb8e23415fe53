namespace ImageCaptioning.Metrics;

/// <summary>
/// Images with every caption counted into n-grams once (dense n-gram ids), shared by BLEU and CIDEr-D.
/// Building it also checks the input: at least one image, and at least one reference per image.
/// </summary>
internal sealed class CountedCorpus
{
    private CountedCorpus(IReadOnlyList<TokenizedImage> images, NGramCounts[] hypotheses, NGramCounts[][] references, int gramCount)
    {
        Images = images;
        Hypotheses = hypotheses;
        References = references;
        GramCount = gramCount;
    }

    public IReadOnlyList<TokenizedImage> Images { get; }

    /// <summary>Per image: the hypothesis' n-gram counts.</summary>
    public NGramCounts[] Hypotheses { get; }

    /// <summary>Per image: each reference's n-gram counts.</summary>
    public NGramCounts[][] References { get; }

    /// <summary>Number of distinct n-grams: arrays indexed by n-gram id need this length.</summary>
    public int GramCount { get; }

    public int Count => Images.Count;

    public static CountedCorpus Build(IReadOnlyList<TokenizedImage> images) => Build(images, new NGramInterner());

    /// <summary>Builds the corpus with <paramref name="interner"/>, which keeps its ids for scoring more captions later.</summary>
    public static CountedCorpus Build(IReadOnlyList<TokenizedImage> images, NGramInterner interner)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
            throw new CaptionEvaluationException("There are no captions to score.");
        var hypotheses = new NGramCounts[images.Count];
        var references = new NGramCounts[images.Count][];
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            if (image.References.Count == 0)
                throw new CaptionEvaluationException($"Image '{image.ImageId}' has no reference captions to compare with.");
            hypotheses[i] = interner.Count(image.Hypothesis);
            references[i] = new NGramCounts[image.References.Count];
            for (int r = 0; r < image.References.Count; r++)
                references[i][r] = interner.Count(image.References[r]);
        }
        return new CountedCorpus(images, hypotheses, references, interner.GramCount);
    }
}
