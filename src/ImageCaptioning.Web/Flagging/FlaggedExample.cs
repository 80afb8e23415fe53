namespace ImageCaptioning.Web.Flagging;

/// <summary>What a user flags: the image shown, the caption it got, the options used and why it is wrong.</summary>
public sealed record FlaggedExample(ReadOnlyMemory<byte> Image, string Caption, int? BeamWidth, int? MaxLength, string? Reason);

/// <summary>Where a flagged example was stored: the log row's id and the image's server-made file name.</summary>
public sealed record FlagReceipt(string Id, string ImageFile);
