namespace ImageCaptioning.Web.Examples;

/// <summary>What people wrote for one Flickr8k test photo.</summary>
/// <param name="Image">The photo's file name in Flickr8k.</param>
/// <param name="References">Its reference captions (five in Flickr8k), as the dataset has them.</param>
public sealed record TestPhotoReferences(string Image, IReadOnlyList<string> References);
