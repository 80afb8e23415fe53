namespace ImageCaptioning.Web.Hosting;

/// <summary>Where the captioning model is in its life: the app serves the page in every state.</summary>
public enum ModelState
{
    /// <summary>The encoder and decoder are being loaded (the first start also derives the encoder's feature model).</summary>
    Loading,
    /// <summary>Captions can be made.</summary>
    Ready,
    /// <summary>No trained decoder, or a model file failed to load: /api/caption answers 503 with the reason.</summary>
    Unavailable,
}
