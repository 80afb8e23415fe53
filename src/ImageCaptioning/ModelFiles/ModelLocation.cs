namespace ImageCaptioning.ModelFiles;

/// <summary>Where a model file was found, in the order <see cref="ModelStore"/> looks.</summary>
public enum ModelLocation
{
    /// <summary>The folder the user configured (<c>IMAGECAPTIONING_MODELS_DIR</c>); a bad copy there is refused, never replaced.</summary>
    Configured,
    /// <summary>The checkout's <c>models/</c> folder (when running inside one).</summary>
    Checkout,
    /// <summary>The <c>models/</c> folder beside the app, where the packages put the shipped decoder.</summary>
    Packaged,
    /// <summary>The per-user cache (downloads land here); a bad copy there is deleted and fetched again.</summary>
    Cache,
}

/// <summary>What <see cref="ModelStore.InspectAsync"/> found for one manifest file.</summary>
/// <param name="Entry">The manifest entry.</param>
/// <param name="Path">The copy found first in resolution order, or null when there is none.</param>
/// <param name="Location">Where <paramref name="Path"/> is.</param>
/// <param name="Sha256">Its SHA-256 when hashes were checked (null when not checked or missing).</param>
public sealed record ModelFileStatus(ModelFileEntry Entry, string? Path, ModelLocation? Location, string? Sha256)
{
    public bool Present => Path is not null;

    /// <summary>Present and, when checked, matching the manifest.</summary>
    public bool Verified => Present && Sha256 == Entry.Sha256;

    public bool HashMismatch => Present && Sha256 is not null && Sha256 != Entry.Sha256;
}
