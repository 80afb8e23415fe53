namespace ImageCaptioning.Errors;

/// <summary>
/// Base of every error the project reports to a user on purpose (bad input, missing or tampered files).
/// Its message is one readable sentence; the CLI prints it as one line and the web app returns it as JSON.
/// Anything that is not an <see cref="ImageCaptioningException"/> is a bug.
/// </summary>
public class ImageCaptioningException : Exception
{
    public ImageCaptioningException(string message) : base(message) { }
    public ImageCaptioningException(string message, Exception inner) : base(message, inner) { }
}
