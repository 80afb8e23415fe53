namespace ImageCaptioning.Subjects;

/// <summary>
/// How well the dog group's summed probability separates photos with a dog from photos without, on photos whose
/// truth is known (e.g. Flickr8k, where a photo "has a dog" when one of its reference captions says so).
/// </summary>
public sealed class DogGroupCalibration
{
    /// <param name="photos">Each photo's P(dog group), its most probable tag other than dog, and whether it has a dog.</param>
    public DogGroupCalibration(IReadOnlyList<(float DogProbability, float OtherTagProbability, bool HasDog)> photos)
    {
        ArgumentNullException.ThrowIfNull(photos);
        Photos = photos;
    }

    public IReadOnlyList<(float DogProbability, float OtherTagProbability, bool HasDog)> Photos { get; }
    public int DogPhotos => Photos.Count(p => p.HasDog);
    public int DogFreePhotos => Photos.Count - DogPhotos;

    /// <summary>At <paramref name="threshold"/>: photos with a dog whose P(dog) is below it (a "no dog" rule would wrongly forbid the word), and dog-free photos at or above it.</summary>
    public (int DogBelow, int DogFreeAtOrAbove) At(float threshold) =>
        (Photos.Count(p => p.HasDog && p.DogProbability < threshold), Photos.Count(p => !p.HasDog && p.DogProbability >= threshold));

    /// <summary>
    /// The stricter rule "P(dog) below <paramref name="threshold"/> and another tag at least <paramref name="otherTag"/>":
    /// photos with a dog it would wrongly forbid, and dog-free photos it would protect.
    /// </summary>
    public (int DogForbidden, int DogFreeProtected) Rule(float threshold, float otherTag) =>
        (Photos.Count(p => p.HasDog && p.DogProbability < threshold && p.OtherTagProbability >= otherTag),
         Photos.Count(p => !p.HasDog && p.DogProbability < threshold && p.OtherTagProbability >= otherTag));
}
