using ImageCaptioning.Data;

namespace ImageCaptioning.Training;

/// <summary>Where the trainer reads an image's encoder grid [P, E] from: the feature cache, or memory in tests.</summary>
public interface IGridSource
{
    int Positions { get; }
    int Channels { get; }
    bool TryGetIndex(string imageName, out int index);
    void CopyGrid(int index, Span<float> destination);
}

/// <summary>Grids read from a memory-mapped <see cref="FeatureCache"/>.</summary>
public sealed class FeatureCacheGridSource(FeatureCache cache) : IGridSource
{
    public int Positions => cache.Positions;
    public int Channels => cache.Channels;
    public bool TryGetIndex(string imageName, out int index) => cache.TryGetIndex(imageName, out index);
    public void CopyGrid(int index, Span<float> destination) => cache.CopyGrid(index, destination);
}

/// <summary>Grids held in memory (tests, notebooks).</summary>
public sealed class InMemoryGridSource(IReadOnlyDictionary<string, float[]> grids, int positions, int channels) : IGridSource
{
    private readonly string[] _names = grids.Keys.ToArray();
    public int Positions => positions;
    public int Channels => channels;
    public bool TryGetIndex(string imageName, out int index)
    {
        index = Array.IndexOf(_names, imageName);
        return index >= 0;
    }
    public void CopyGrid(int index, Span<float> destination) => grids[_names[index]].CopyTo(destination);
}
