using ImageCaptioning.Captioning;

namespace ImageCaptioning.Attention;

/// <summary>
/// Runs <see cref="AttentionProbe"/> over image files and their captions, which must come from the same model and
/// encoder, so the α read here is the α the search used when it wrote the caption.
/// </summary>
public static class AttentionAudit
{
    private const int ImagesPerEncoderBatch = 16;

    /// <param name="items">Image file and its generated caption (words separated by spaces, as <c>caption</c> writes them).</param>
    /// <param name="progress">Called with the number of images done since the last call.</param>
    public static AttentionReport Run(Captioner captioner, IReadOnlyList<(string ImagePath, string Caption)> items,
        Action<int>? progress = null, int? maskedCells = null, int randomDraws = AttentionProbe.DefaultRandomDraws,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(captioner);
        ArgumentNullException.ThrowIfNull(items);
        var probe = new AttentionProbe(captioner.Model.CreateStepDecoder(), captioner.Model.Vocabulary, maskedCells, randomDraws);
        var probes = new List<IReadOnlyList<ContentWordProbe>>(items.Count);
        for (int first = 0; first < items.Count; first += ImagesPerEncoderBatch)
        {
            ct.ThrowIfCancellationRequested();
            var batch = items.Skip(first).Take(ImagesPerEncoderBatch).ToArray();
            var encoded = captioner.Encoder.EncodeBatch([.. batch.Select(b => b.ImagePath)]);
            for (int i = 0; i < batch.Length; i++)
            {
                var words = batch[i].Caption.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                try
                {
                    probes.Add(probe.Probe(encoded[i].GridOf(captioner.Grid), words, StableSeed(Path.GetFileName(batch[i].ImagePath))));
                }
                catch (ArgumentException ex)
                {
                    throw new ArgumentException($"{Path.GetFileName(batch[i].ImagePath)}: {ex.Message}", ex);
                }
            }
            progress?.Invoke(batch.Length);
        }
        return AttentionReport.From(probes, probe.MaskedCells, probe.RandomDraws);
    }

    /// <summary>FNV-1a of the name: the same random masks for an image in every run (string.GetHashCode is per process).</summary>
    private static int StableSeed(string name)
    {
        uint hash = 2166136261;
        foreach (char c in name) hash = (hash ^ c) * 16777619;
        return (int)(hash & 0x7fffffff);
    }
}
